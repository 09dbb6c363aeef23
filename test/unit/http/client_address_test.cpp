#include <catch2/catch.hpp>

#include "parley/http/client_address.hpp"

using namespace parley::http;
namespace ip = boost::asio::ip;

namespace {
std::string from(const std::string& peer, std::string_view forwarded,
                 const std::vector<std::string>& trusted) {
  std::vector<ip::address> proxies;
  for (const auto& t : trusted) {
    proxies.push_back(ip::make_address(t));
  }
  return client_address(ip::make_address(peer), forwarded, proxies).to_string();
}
}  // namespace

TEST_CASE("client_address: X-Forwarded-For counts only from a trusted proxy, its last entry") {
  const std::vector<std::string> proxy{"10.0.0.2"};
  CHECK(from("203.0.113.9", "", {}) == "203.0.113.9");
  CHECK(from("203.0.113.9", "198.51.100.1", {}) == "203.0.113.9");     // nobody trusted
  CHECK(from("203.0.113.9", "198.51.100.1", proxy) == "203.0.113.9");  // not the proxy
  CHECK(from("10.0.0.2", "198.51.100.1", proxy) == "198.51.100.1");
  // A client can write anything before what the proxy appends: only the last entry counts.
  CHECK(from("10.0.0.2", "1.1.1.1, 7.7.7.7,198.51.100.1", proxy) == "198.51.100.1");
  CHECK(from("10.0.0.2", "1.1.1.1,  2001:db8::7 ", proxy) == "2001:db8::7");
  CHECK(from("10.0.0.2", "1.1.1.1, not-an-address", proxy) == "10.0.0.2");
  CHECK(from("10.0.0.2", "1.1.1.1,", proxy) == "10.0.0.2");
  // A proxy reached over IPv6 as a v4-mapped address is still that proxy.
  CHECK(from("::ffff:10.0.0.2", "198.51.100.1", proxy) == "198.51.100.1");
  CHECK(from("::ffff:203.0.113.9", "", {}) == "203.0.113.9");
}

TEST_CASE("limit_key: IPv4 addresses, IPv6 /64 networks") {
  CHECK(limit_key(ip::make_address("203.0.113.9")) == "203.0.113.9");
  CHECK(limit_key(ip::make_address("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64");
  CHECK(limit_key(ip::make_address("2001:db8:1:2:ffff::9")) == "2001:db8:1:2::/64");
  CHECK(limit_key(ip::make_address("2001:db8:1:3::1")) == "2001:db8:1:3::/64");
}
