#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/address_v4.hpp>

#include <cstddef>
#include <cstdint>

#include "parley/bench/options.hpp"

namespace parley::bench {

/// Ephemeral ports one source address offers (/proc/sys/net/ipv4/ip_local_port_range; Linux's
/// default 28,232 when unreadable).
std::uint32_t ephemeral_ports();

/// Connections a run opens: workers x cases for cycle, everyone for fanout and connections.
std::uint64_t planned_connections(const options& o);

/// Loopback source addresses to spread `planned` connections to `target` over: 1 unless the
/// target is IPv4 loopback and the connections would use more than 90 % of one address's
/// ephemeral ports (at most 254: 127.0.0.1 .. 127.0.0.254). `forced` (--source-addresses) wins.
unsigned source_addresses_needed(const boost::asio::ip::address& target, std::uint64_t planned,
                                 std::uint32_t ports, unsigned forced = 0);

/// The source address of connection `i` among `count`: 127.0.0.1, 127.0.0.2, ...
boost::asio::ip::address_v4 loopback_source(std::uint64_t i, unsigned count);

}  // namespace parley::bench
