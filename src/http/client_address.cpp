#include "parley/http/client_address.hpp"

#include <algorithm>

#include "parley/util/ip_address.hpp"

namespace parley::http {
namespace ip = boost::asio::ip;

namespace {

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

ip::address client_address(const ip::address& peer, std::string_view forwarded_for,
                           const std::vector<ip::address>& trusted) {
  const auto tcp_peer = util::unmapped(peer);
  if (forwarded_for.empty() ||
      std::find(trusted.begin(), trusted.end(), tcp_peer) == trusted.end()) {
    return tcp_peer;
  }
  const auto comma = forwarded_for.rfind(',');
  const auto last =
      trimmed(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
  boost::system::error_code ec;
  const auto named = ip::make_address(last, ec);
  return ec ? tcp_peer : util::unmapped(named);
}

std::string limit_key(const ip::address& address) {
  if (address.is_v4()) {
    return address.to_string();
  }
  auto bytes = address.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace parley::http
