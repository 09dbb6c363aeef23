#pragma once

#include <boost/system/error_code.hpp>

#include <string_view>
#include <type_traits>

namespace parley::error {

/// Every error code of the contract, for HTTP bodies and WebSocket `error` frames alike. Zero is
/// left free: as a boost::system::error_code, zero means success.
enum class code {
  bad_request = 1,
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
  unsupported_type,
  unavailable,
};

/// The code as written on the wire, e.g. "bad_request".
std::string_view code_name(code c);

/// The default human text for a code.
std::string_view default_message(code c);

/// The category of parley's contract errors ("parley"); its message() is default_message.
const boost::system::error_category& category() noexcept;

/// Lets a parley::error::code convert to a boost::system::error_code.
inline boost::system::error_code make_error_code(code c) noexcept {
  return {static_cast<int>(c), category()};
}

}  // namespace parley::error

template <>
struct boost::system::is_error_code_enum<parley::error::code> : std::true_type {};
