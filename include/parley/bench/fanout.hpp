#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "parley/bench/resume.hpp"
#include "parley/bench/scenario_setup.hpp"
#include "parley/bench/session.hpp"

// Private to the bench module: what the fanout scenario's subscribers (fanout.cpp) and
// publishers (fanout_publisher.cpp) share.
namespace parley::bench {

/// How long after the end publishers may take to get their last acknowledgements, and
/// subscribers their last messages.
inline constexpr auto drain_timeout = std::chrono::seconds(5);

/// Shared between all threads of a fanout run.
struct fanout_state {
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> publishing_done{false};  ///< every publisher stopped and added its count
  std::atomic<unsigned> publishers_done{0};
  std::atomic<std::uint64_t> total_sent{0};
  std::unique_ptr<std::atomic<std::uint64_t>[]> sent_per_channel;
  std::unique_ptr<std::atomic<std::uint64_t>[]> sent_per_publisher;
  std::atomic<unsigned> subscribers_done{0};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> lost{0};
  /// With --publisher-url: per publisher, the last sequence number its channel's first
  /// subscriber (the probe, on the subscribers' instance) has seen.
  std::unique_ptr<std::atomic<std::int64_t>[]> probe_seen;
  std::chrono::steady_clock::time_point start;
};

std::string fanout_channel(std::size_t i, unsigned channels);

/// A join, or with `since` a rejoin that catches up on what came after that id.
std::string join_frame(const std::string& channel, std::optional<std::int64_t> since = {});

/// The steady clock in nanoseconds: the send time publishers embed in their texts.
std::int64_t now_ns();

/// Joins `channel` on a new session and reads the id of its newest message (0 when it has none):
/// where a resume starts if the connection drops before any message came.
boost::asio::awaitable<bool> join_at_end(ws_stream& ws, boost::beast::flat_buffer& buf,
                                         const std::string& channel, std::int64_t& last_id,
                                         tally& stats);

/// After a dropped connection (1001 from a server going away, a reset, a refused connect): a new
/// session that has sent `join`, waiting `delays` before each attempt until one is joined or
/// `give_up()`. Failed attempts are expected while a server restarts: not errors of the run.
boost::asio::awaitable<std::unique_ptr<ws_stream>> rejoin(
    setup& s, const server_address& to, const std::string& token, const std::string& join,
    boost::beast::flat_buffer& buf, util::backoff& delays, const std::function<bool()>& give_up);

/// Publisher `id`: sends at --rate within its window until the end, resending after a reconnect
/// what was not acknowledged, then waits for its last acknowledgements.
boost::asio::awaitable<void> publisher(setup& s, fanout_state& f, unsigned id, worker_thread& t);

}  // namespace parley::bench
