#include "parley/model/username.hpp"

namespace parley::model {

bool valid_username(std::string_view name) {
  if (name.size() < min_username_length || name.size() > max_username_length) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string username_key(std::string_view name) {
  std::string key(name);
  for (auto& c : key) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return key;
}

}  // namespace parley::model
