#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "support/http_client.hpp"

namespace parley::test {

/// Percent-encodes everything but letters, digits and `.-_`, for the `name` of an upload.
std::string encode_query(const std::string& v);

/// POST /api/uploads?name=... with the bytes as the body and `type` as Content-Type (none when
/// empty).
http_reply upload(std::uint16_t port, const std::string& token, const std::string& name,
                  const std::string& type, const std::string& body);

/// Uploads and returns the upload object (REQUIREs 201).
boost::json::object upload_ok(std::uint16_t port, const std::string& token, const std::string& name,
                              const std::string& type, const std::string& body);

/// GET `url` with the token (and `extra` headers).
http_reply fetch(std::uint16_t port, const std::string& token, const std::string& url,
                 std::map<std::string, std::string> extra = {});

}  // namespace parley::test
