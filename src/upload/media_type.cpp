#include "parley/upload/media_type.hpp"

#include <array>

namespace parley::upload {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string essence(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && is_space(type.front())) {
    type.remove_prefix(1);
  }
  while (!type.empty() && is_space(type.back())) {
    type.remove_suffix(1);
  }
  std::string out;
  out.reserve(type.size());
  for (const char c : type) {
    out.push_back(to_lower(c));
  }
  return out;
}

bool is_image(std::string_view type) {
  static constexpr std::array<std::string_view, 4> images = {"image/png", "image/jpeg", "image/gif",
                                                             "image/webp"};
  const std::string e = essence(type);
  for (const auto image : images) {
    if (e == image) {
      return true;
    }
  }
  return false;
}

}  // namespace parley::upload
