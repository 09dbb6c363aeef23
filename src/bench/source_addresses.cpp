#include "parley/bench/source_addresses.hpp"

#include <algorithm>
#include <fstream>

namespace parley::bench {

std::uint32_t ephemeral_ports() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  std::uint32_t low = 0;
  std::uint32_t high = 0;
  if (range >> low >> high && high > low) {
    return high - low + 1;
  }
  return 28232;
}

std::uint64_t planned_connections(const options& o) {
  switch (o.kind) {
    case scenario::cycle:
      return std::uint64_t{o.workers} * o.cases;
    case scenario::fanout:
      return std::uint64_t{o.subscribers} + o.publishers;
    case scenario::connections:
      return o.connections;
  }
  return 0;
}

unsigned source_addresses_needed(const boost::asio::ip::address& target, std::uint64_t planned,
                                 std::uint32_t ports, unsigned forced) {
  if (!target.is_v4() || !target.is_loopback()) {
    return 1;
  }
  if (forced > 0) {
    return std::min(forced, 254u);
  }
  const std::uint64_t usable = std::max<std::uint64_t>(1, ports * 9ull / 10);
  return static_cast<unsigned>(std::min<std::uint64_t>((planned + usable - 1) / usable, 254));
}

boost::asio::ip::address_v4 loopback_source(std::uint64_t i, unsigned count) {
  return boost::asio::ip::address_v4(0x7F000001u + static_cast<std::uint32_t>(i % count));
}

}  // namespace parley::bench
