#pragma once

#include <array>
#include <cstdint>

namespace parley::bench {

/// Log-linear histogram of microsecond latencies (exact below 128 µs, then 64 buckets per power
/// of two, about 1.6 % resolution, up to ~2^40 µs). Fixed size: recording never allocates.
class latency_histogram {
 public:
  void record(std::uint64_t micros);
  void merge(const latency_histogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  /// The value at quantile q (0..1), as the upper edge of its bucket, clamped to max().
  std::uint64_t quantile(double q) const;

 private:
  static constexpr std::size_t linear = 128;
  static constexpr std::size_t sub_buckets = 64;
  static constexpr std::size_t buckets = linear + 34 * sub_buckets;
  static std::size_t index_of(std::uint64_t v);
  static std::uint64_t upper_edge(std::size_t index);

  std::array<std::uint64_t, buckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace parley::bench
