#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "parley/metrics/histogram.hpp"
#include "parley/metrics/labeled_counter.hpp"

namespace parley::metrics {

/// Every metric the server exports at /metrics (contract: "Metrics"). Plain atomics so hot paths
/// pay one relaxed increment.
struct registry {
  /// This instance's name (PARLEY_INSTANCE_ID), the `instance` label of parley_build_info; set
  /// once before serving.
  std::string instance_id;
  /// Sizes the per-thread series; called once with the number of I/O threads before serving.
  void set_io_threads(std::size_t count);
  /// Work handed to I/O thread `thread` by other threads (deliveries, session events) and not
  /// yet run: a thread that falls behind shows here first.
  std::atomic<std::int64_t>& thread_queue_depth(std::size_t thread) {
    return thread_queue_depth_[thread];
  }
  std::atomic<std::int64_t> connections{0};  ///< open TCP connections
  std::atomic<std::int64_t> ws_sessions{0};
  std::atomic<std::int64_t> channels{0};
  std::atomic<std::uint64_t> messages_total{0};  ///< stored
  std::atomic<std::uint64_t> deliveries_total{0};
  std::atomic<std::uint64_t> slow_consumer_closes_total{0};
  std::atomic<std::uint64_t> uploads_total{0};
  std::atomic<std::uint64_t> upload_bytes_total{0};
  /// Upload records in the store and their sizes: read from it at start and after each sweep
  /// (so every instance of a cluster converges), counted up by this instance in between.
  std::atomic<std::int64_t> uploads_stored{0};
  std::atomic<std::int64_t> uploads_stored_bytes{0};
  std::atomic<std::uint64_t> rate_limited_total{0};
  std::atomic<std::uint64_t> typing_dropped_total{0};
  std::atomic<std::int64_t> store_queue_depth{0};  ///< messages waiting for their commit
  /// From a message's commit to the write of its frame to a recipient's socket.
  histogram delivery_seconds;
  /// One message batch's transaction, first statement to COMMIT.
  histogram store_commit_seconds;
  /// From a request's last header byte read to its response handed to the socket.
  histogram http_request_seconds;
  std::atomic<int> redis_connected{-1};  ///< -1: standalone, the Redis series are absent
  std::atomic<std::uint64_t> redis_reconnects_total{0};
  std::atomic<std::uint64_t> redis_publish_failures_total{0};
  std::atomic<std::int64_t> cluster_peers{0};  ///< other instances heard within the timeout
  /// Frames received by type, indexed like proto::command (then "invalid"): one relaxed
  /// increment per frame instead of a labelled map.
  static constexpr std::array<const char*, 12> ws_frame_types{
      "join", "leave",  "create",   "invite",   "send", "history",
      "seen", "typing", "presence", "channels", "ping", "invalid"};
  std::array<std::atomic<std::uint64_t>, ws_frame_types.size()> ws_frames_in{};
  /// Counts one received frame by its type ("invalid" for anything unknown).
  void count_frame_in(std::string_view type);
  /// Frames written by type (then "other"); `message` first, as it is by far the most common.
  static constexpr std::array<const char*, 17> ws_out_frame_types{
      "message",    "error",   "joined",      "left",      "created",  "invited",
      "invitation", "history", "seen",        "typing",    "presence", "channels",
      "pong",       "hello",   "user_joined", "user_left", "other"};
  std::array<std::atomic<std::uint64_t>, ws_out_frame_types.size()> ws_frames_out{};
  /// Counts one written frame, classified by its leading {"type":"..."}.
  void count_frame_out(std::string_view frame);
  labeled_counter errors_total;         ///< {code}
  labeled_counter http_requests_total;  ///< {route, status}

  /// The Prometheus text exposition of every metric, plus process_resident_memory_bytes.
  std::string render() const;

 private:
  std::unique_ptr<std::atomic<std::int64_t>[]> thread_queue_depth_;
  std::size_t io_threads_ = 0;
};

/// One counter in the Prometheus text format, for values kept outside the registry.
std::string counter_text(std::string_view name, std::string_view help, std::uint64_t value);

/// Resident set size of this process in bytes, from /proc/self/statm (0 if unreadable).
std::uint64_t resident_memory_bytes();

}  // namespace parley::metrics
