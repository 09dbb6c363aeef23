#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

namespace parley::metrics {

/// Bucket bounds for times on a request or delivery path, in seconds: 100 µs to 10 s.
inline constexpr std::array<double, 15> latency_bounds{
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

/// A Prometheus histogram with fixed bucket bounds, observed from any thread. Each thread counts
/// into its own cache-line-aligned shard (chosen once per thread), so a hot path such as one
/// observation per delivered message pays a bucket search and two uncontended atomic adds, and
/// no cache line moves between cores; reading sums the shards.
class histogram {
 public:
  static constexpr std::size_t max_bounds = 16;

  /// `upper_bounds`: ascending bucket bounds in seconds (at most max_bounds); +Inf is implied.
  explicit histogram(std::span<const double> upper_bounds = latency_bounds);
  histogram(const histogram&) = delete;
  histogram& operator=(const histogram&) = delete;

  void observe(std::chrono::nanoseconds value);

  /// Cumulative counts per bound, then +Inf (= count), as Prometheus exposes them.
  struct reading {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  ///< bounds.size() + 1 entries
    double sum_seconds = 0;
    std::uint64_t count = 0;
  };
  reading read() const;

  /// The _bucket, _sum and _count series; `labels` ("route=\"x\"" without braces) go before le.
  /// Writes no HELP/TYPE lines, so several label sets can share one family.
  void render(std::ostream& out, std::string_view name, std::string_view labels = {}) const;

 private:
  std::array<std::int64_t, max_bounds> bounds_ns_{};
  std::array<double, max_bounds> bounds_{};
  std::size_t size_ = 0;
  struct alignas(64) shard {
    std::array<std::atomic<std::uint64_t>, max_bounds + 1> buckets{};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  static constexpr std::size_t shard_count = 8;
  std::array<shard, shard_count> shards_;
};

}  // namespace parley::metrics
