#include "parley/http/token_source.hpp"

#include "parley/http/url.hpp"

namespace parley::http {

std::string extract_token(std::string_view authorization, std::string_view cookie,
                          std::string_view target, bool allow_query) {
  constexpr std::string_view bearer = "Bearer ";
  if (authorization.size() > bearer.size() && authorization.substr(0, bearer.size()) == bearer) {
    return std::string(authorization.substr(bearer.size()));
  }
  while (!cookie.empty()) {
    const auto semi = cookie.find(';');
    auto pair = cookie.substr(0, semi);
    cookie = semi == std::string_view::npos ? std::string_view{} : cookie.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') {
      pair.remove_prefix(1);
    }
    constexpr std::string_view name = "parley_token=";
    if (pair.starts_with(name) && pair.size() > name.size()) {
      return std::string(pair.substr(name.size()));
    }
  }
  if (allow_query) {
    const auto query = parse_query(split_target(target).query);
    if (query) {
      if (auto it = query->find("token"); it != query->end()) {
        return it->second;
      }
    }
  }
  return {};
}

}  // namespace parley::http
