#include "support/uploads.hpp"

#include <catch2/catch.hpp>

#include <cctype>

namespace parley::test {

using boost::beast::http::verb;

std::string encode_query(const std::string& v) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

http_reply upload(std::uint16_t port, const std::string& token, const std::string& name,
                  const std::string& type, const std::string& body) {
  auto headers = bearer(token);
  if (!type.empty()) {
    headers["Content-Type"] = type;
  }
  return http_call(port, verb::post, "/api/uploads?name=" + encode_query(name), body, headers);
}

boost::json::object upload_ok(std::uint16_t port, const std::string& token, const std::string& name,
                              const std::string& type, const std::string& body) {
  const auto r = upload(port, token, name, type, body);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.json().at("upload").as_object();
}

http_reply fetch(std::uint16_t port, const std::string& token, const std::string& url,
                 std::map<std::string, std::string> extra) {
  auto headers = bearer(token);
  headers.insert(extra.begin(), extra.end());
  return http_call(port, verb::get, url, "", headers);
}

}  // namespace parley::test
