#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parley/bench/options.hpp"
#include "parley/bench/report.hpp"
#include "parley/bench/scenarios.hpp"
#include "parley/bench/session.hpp"
#include "parley/bench/source_addresses.hpp"

// Private to the bench module: what run_scenario prepares and every scenario runs on.
namespace parley::bench {

inline double seconds_between(std::chrono::steady_clock::time_point a,
                              std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

/// One client thread: its own io_context and its own counters, merged at the end.
struct worker_thread {
  boost::asio::io_context ioc{1};
  tally stats;
};

/// Everything a scenario needs to open sessions.
struct setup {
  const options& opts;
  std::vector<server_address> endpoints;
  const std::vector<std::string>& tokens;
  std::optional<server_address> publisher_endpoint;
  std::vector<std::unique_ptr<worker_thread>> threads;

  const server_address& endpoint_for(std::size_t i) const {
    return endpoints[i % endpoints.size()];
  }
  /// The address the next connection binds to; none when one address is enough.
  std::optional<boost::asio::ip::address_v4> next_source() {
    if (sources <= 1) {
      return std::nullopt;
    }
    return loopback_source(connects.fetch_add(1, std::memory_order_relaxed), sources);
  }
  const std::string& token_for(std::size_t i) const { return tokens[i % tokens.size()]; }
  worker_thread& thread_for(std::size_t i) { return *threads[i % threads.size()]; }

  progress_fn on_progress;
  unsigned sources = 1;  ///< loopback source addresses connections rotate over
  std::atomic<std::uint64_t> connects{0};
  /// Shared by every wss:// connection of the run; null when there are none.
  std::unique_ptr<boost::asio::ssl::context> tls{};

  /// Runs every thread's io_context to completion, reporting progress meanwhile.
  void run();
  tally merged() const;
};

// The scenarios, one file each.
result run_cycle(setup& s);
result run_fanout(setup& s);
result run_connections(setup& s);

}  // namespace parley::bench
