#include "parley/error/error_code.hpp"

namespace parley {

std::string_view code_name(error_code code) {
  switch (code) {
    case error_code::bad_request:
      return "bad_request";
    case error_code::unknown_type:
      return "unknown_type";
    case error_code::invalid_channel:
      return "invalid_channel";
    case error_code::not_found:
      return "not_found";
    case error_code::forbidden:
      return "forbidden";
    case error_code::not_joined:
      return "not_joined";
    case error_code::channel_exists:
      return "channel_exists";
    case error_code::unknown_user:
      return "unknown_user";
    case error_code::rate_limited:
      return "rate_limited";
    case error_code::internal:
      return "internal";
    case error_code::invalid_username:
      return "invalid_username";
    case error_code::invalid_password:
      return "invalid_password";
    case error_code::username_taken:
      return "username_taken";
    case error_code::invalid_credentials:
      return "invalid_credentials";
    case error_code::unauthorized:
      return "unauthorized";
    case error_code::method_not_allowed:
      return "method_not_allowed";
    case error_code::too_large:
      return "too_large";
  }
  return "internal";
}

std::string_view default_message(error_code code) {
  switch (code) {
    case error_code::bad_request:
      return "the request is malformed";
    case error_code::unknown_type:
      return "unknown frame type";
    case error_code::invalid_channel:
      return "channel names are 1-64 characters from A-Z a-z 0-9 _ . -";
    case error_code::not_found:
      return "not found";
    case error_code::forbidden:
      return "not allowed for this user";
    case error_code::not_joined:
      return "this session has not joined the channel";
    case error_code::channel_exists:
      return "a channel with this name exists";
    case error_code::unknown_user:
      return "no such user";
    case error_code::rate_limited:
      return "too many frames; this one was dropped";
    case error_code::internal:
      return "internal error";
    case error_code::invalid_username:
      return "usernames are 3-32 characters from A-Z a-z 0-9 _ . -";
    case error_code::invalid_password:
      return "passwords are 8-128 characters";
    case error_code::username_taken:
      return "this username is taken";
    case error_code::invalid_credentials:
      return "wrong username or password";
    case error_code::unauthorized:
      return "a valid token is required";
    case error_code::method_not_allowed:
      return "method not allowed";
    case error_code::too_large:
      return "request body too large";
  }
  return "internal error";
}

}  // namespace parley
