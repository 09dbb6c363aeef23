#include "parley/model/channel_name.hpp"

#include "parley/model/username.hpp"

namespace parley::model {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

bool valid_user_channel_name(std::string_view name) {
  if (name.empty() || name.size() > max_channel_name) {
    return false;
  }
  for (char c : name) {
    if (!name_char(c)) {
      return false;
    }
  }
  return true;
}

bool valid_channel_reference(std::string_view name) {
  if (valid_user_channel_name(name)) {
    return true;
  }
  if (dm_participants(name)) {
    return true;
  }
  constexpr std::string_view match = "match:";
  return name.starts_with(match) && valid_user_channel_name(name.substr(match.size()));
}

std::string dm_channel_name(std::string_view user_a, std::string_view user_b) {
  auto a = username_key(user_a);
  auto b = username_key(user_b);
  if (b < a) {
    std::swap(a, b);
  }
  return "dm:" + a + ":" + b;
}

std::optional<std::pair<std::string, std::string>> dm_participants(std::string_view name) {
  constexpr std::string_view dm = "dm:";
  if (!name.starts_with(dm)) {
    return std::nullopt;
  }
  const auto rest = name.substr(dm.size());
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const auto a = rest.substr(0, colon);
  const auto b = rest.substr(colon + 1);
  if (!valid_username(a) || !valid_username(b) || username_key(a) != a || username_key(b) != b ||
      b < a) {
    return std::nullopt;
  }
  return std::make_pair(std::string(a), std::string(b));
}

}  // namespace parley::model
