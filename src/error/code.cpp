#include "parley/error/code.hpp"

#include <string>

namespace parley::error {

std::string_view code_name(code c) {
  switch (c) {
    case code::bad_request:
      return "bad_request";
    case code::unknown_type:
      return "unknown_type";
    case code::invalid_channel:
      return "invalid_channel";
    case code::not_found:
      return "not_found";
    case code::forbidden:
      return "forbidden";
    case code::not_joined:
      return "not_joined";
    case code::channel_exists:
      return "channel_exists";
    case code::unknown_user:
      return "unknown_user";
    case code::rate_limited:
      return "rate_limited";
    case code::internal:
      return "internal";
    case code::invalid_username:
      return "invalid_username";
    case code::invalid_password:
      return "invalid_password";
    case code::username_taken:
      return "username_taken";
    case code::invalid_credentials:
      return "invalid_credentials";
    case code::unauthorized:
      return "unauthorized";
    case code::method_not_allowed:
      return "method_not_allowed";
    case code::too_large:
      return "too_large";
    case code::unsupported_type:
      return "unsupported_type";
    case code::unavailable:
      return "unavailable";
  }
  return "internal";
}

std::string_view default_message(code c) {
  switch (c) {
    case code::bad_request:
      return "the request is malformed";
    case code::unknown_type:
      return "unknown frame type";
    case code::invalid_channel:
      return "channel names are 1-64 characters from A-Z a-z 0-9 _ . -";
    case code::not_found:
      return "not found";
    case code::forbidden:
      return "not allowed for this user";
    case code::not_joined:
      return "this session has not joined the channel";
    case code::channel_exists:
      return "a channel with this name exists";
    case code::unknown_user:
      return "no such user";
    case code::rate_limited:
      return "too many frames; this one was dropped";
    case code::internal:
      return "internal error";
    case code::invalid_username:
      return "usernames are 3-32 characters from A-Z a-z 0-9 _ . -";
    case code::invalid_password:
      return "passwords are 8-128 characters";
    case code::username_taken:
      return "this username is taken";
    case code::invalid_credentials:
      return "wrong username or password";
    case code::unauthorized:
      return "a valid token is required";
    case code::method_not_allowed:
      return "method not allowed";
    case code::too_large:
      return "request body too large";
    case code::unsupported_type:
      return "unsupported file type";
    case code::unavailable:
      return "the server is at its connection limit, try again later";
  }
  return "internal error";
}

namespace {

class contract_category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "parley"; }
  std::string message(int value) const override {
    return std::string(default_message(static_cast<code>(value)));
  }
};

}  // namespace

const boost::system::error_category& category() noexcept {
  static const contract_category instance;
  return instance;
}

}  // namespace parley::error
