#pragma once

#include <string_view>

#include "parley/http/responses.hpp"

namespace parley::fuzz {

/// Fails the fuzz run unless `written` is exactly one well-formed response to `req`: it parses
/// back completely, its status is a real one, its length is consistent with its body, it carries
/// nosniff, and an error is the contract's JSON body with a known `code`.
void check_response(const http::request& req, std::string_view written);

}  // namespace parley::fuzz
