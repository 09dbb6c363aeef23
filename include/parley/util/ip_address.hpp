#pragma once

#include <boost/asio/ip/address.hpp>

namespace parley::util {

/// `a` with an IPv4-mapped IPv6 address (::ffff:10.0.0.2) turned into its IPv4 form: the one
/// form in which parley compares, counts and configures IPv4 peers, however they were written or
/// accepted (a dual-stack listener sees IPv4 clients mapped).
inline boost::asio::ip::address unmapped(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

}  // namespace parley::util
