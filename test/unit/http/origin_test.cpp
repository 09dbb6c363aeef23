#include <catch2/catch.hpp>

#include "parley/http/origin.hpp"

using namespace parley::http;

TEST_CASE("origin rule: none, the server's own, or a listed one") {
  const std::vector<std::string> none;
  const std::vector<std::string> listed{"https://app.example.com", "http://localhost:5173"};
  CHECK(origin_allowed("", "127.0.0.1:8080", none));
  CHECK(origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080", none));
  CHECK(origin_allowed("HTTP://Chat.Example.com", "chat.example.com", none));  // port 80 implied
  CHECK(origin_allowed("https://chat.example.com", "chat.example.com:443", none));
  CHECK(origin_allowed("http://[::1]:8080", "[::1]:8080", none));
  CHECK_FALSE(origin_allowed("http://127.0.0.1:8081", "127.0.0.1:8080", none));
  CHECK_FALSE(origin_allowed("http://evil.example", "127.0.0.1:8080", none));
  CHECK_FALSE(origin_allowed("null", "127.0.0.1:8080", none));
  CHECK_FALSE(origin_allowed("http://127.0.0.1:8080@evil", "127.0.0.1:8080", none));
  CHECK(origin_allowed("https://chat.example.com", "chat.example.com", none));  // via a TLS proxy
  CHECK(origin_allowed("https://app.example.com", "127.0.0.1:8080", listed));
  CHECK(origin_allowed("http://localhost:5173", "127.0.0.1:8080", listed));
  CHECK_FALSE(origin_allowed("http://localhost:5174", "127.0.0.1:8080", listed));
}

TEST_CASE("cookie auth: only without an Authorization header") {
  CHECK(uses_cookie_auth("", "a=1; parley_token=x"));
  CHECK_FALSE(uses_cookie_auth("Bearer x", "parley_token=x"));
  CHECK_FALSE(uses_cookie_auth("", "a=1"));
}
