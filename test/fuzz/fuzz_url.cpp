// URL parsing on arbitrary text: request targets (split_target, percent_decode, parse_query) and
// Redis URLs. Decoding is checked against encoding every byte, and an accepted Redis URL must
// read back the same once written out in its documented form.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "parley/config/redis_url.hpp"
#include "parley/http/url.hpp"

namespace {

namespace http = parley::http;

/// Every byte as %XX: the one encoding every decoder must take back.
std::string percent_encode_all(std::string_view bytes) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += '%';
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

void check_target(std::string_view target) {
  const auto parts = http::split_target(target);
  PARLEY_FUZZ_CHECK(parts.path.find('?') == std::string_view::npos);
  const bool has_query = parts.path.size() < target.size();
  PARLEY_FUZZ_CHECK(std::string(parts.path) + (has_query ? "?" : "") + std::string(parts.query) ==
                    target);

  const auto decoded = http::percent_decode(target);
  PARLEY_FUZZ_CHECK(!decoded || decoded->size() <= target.size());
  if (target.find('%') == std::string_view::npos) {
    PARLEY_FUZZ_CHECK(decoded == std::string(target));
  }
  PARLEY_FUZZ_CHECK(http::percent_decode(percent_encode_all(target)) == std::string(target));

  const auto query = http::parse_query(parts.query);
  if (query) {
    for (const auto& [key, value] : *query) {
      PARLEY_FUZZ_CHECK(key.size() + value.size() <= parts.query.size());
    }
  }
  // One parameter whose key and value are encoded whole decodes to exactly them.
  const auto single = http::parse_query(percent_encode_all(target) + "=" +
                                        percent_encode_all(parts.query) + "&" + "x=1");
  PARLEY_FUZZ_CHECK(single && single->size() == (target == "x" ? 1u : 2u));
  PARLEY_FUZZ_CHECK(single->at(std::string(target)) == parts.query);
}

void check_redis_url(std::string_view text) {
  const auto url = parley::config::parse_redis_url(text);
  if (!url) {
    return;
  }
  PARLEY_FUZZ_CHECK(!url->host.empty());
  PARLEY_FUZZ_CHECK(url->port != 0);
  PARLEY_FUZZ_CHECK(url->db >= 0 && url->db <= 1'000'000);
  const bool bracketed = url->host.find(':') != std::string::npos || url->host.front() == '[';
  const std::string written = "redis://" +
                              (url->password.empty() ? "" : ":" + url->password + "@") +
                              (bracketed ? "[" + url->host + "]" : url->host) + ":" +
                              std::to_string(url->port) + "/" + std::to_string(url->db);
  const auto reread = parley::config::parse_redis_url(written);
  PARLEY_FUZZ_CHECK(reread);
  PARLEY_FUZZ_CHECK(reread->host == url->host);
  PARLEY_FUZZ_CHECK(reread->port == url->port);
  PARLEY_FUZZ_CHECK(reread->password == url->password);
  PARLEY_FUZZ_CHECK(reread->db == url->db);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_target(text);
  check_redis_url(text);
  return 0;
}
