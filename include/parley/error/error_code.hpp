#pragma once

#include <string_view>

namespace parley {

/// Every error code of the contract, for HTTP bodies and WebSocket `error` frames alike.
enum class error_code {
  bad_request,
  unknown_type,
  invalid_channel,
  not_found,
  forbidden,
  not_joined,
  channel_exists,
  unknown_user,
  rate_limited,
  internal,
  invalid_username,
  invalid_password,
  username_taken,
  invalid_credentials,
  unauthorized,
  method_not_allowed,
  too_large,
};

/// The code as written on the wire, e.g. "bad_request".
std::string_view code_name(error_code code);

/// The default human text for a code.
std::string_view default_message(error_code code);

}  // namespace parley
