#pragma once

#include <boost/asio/ip/address.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace parley::http {

/// Where a request comes from (contract: PARLEY_TRUSTED_PROXIES): for a connection from a
/// trusted proxy, the last address its X-Forwarded-For names (the one that proxy saw; earlier
/// entries are whatever the client wrote); otherwise, or when that entry is not an address, the
/// TCP peer. IPv4-mapped IPv6 addresses count as IPv4.
boost::asio::ip::address client_address(const boost::asio::ip::address& peer,
                                        std::string_view forwarded_for,
                                        const std::vector<boost::asio::ip::address>& trusted);

/// The key per-address limits count under: the IPv4 address, or the /64 network of an IPv6 one
/// (a single subscriber is usually given a whole /64, so counting single IPv6 addresses would let
/// one client rotate through billions of them).
std::string limit_key(const boost::asio::ip::address& address);

}  // namespace parley::http
