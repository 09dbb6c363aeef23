#include "parley/bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>

namespace parley::bench {

std::size_t latency_histogram::index_of(std::uint64_t v) {
  if (v < linear) {
    return static_cast<std::size_t>(v);
  }
  const auto exponent = static_cast<std::size_t>(std::bit_width(v) - 1);  // >= 7
  const auto sub = static_cast<std::size_t>((v >> (exponent - 6)) & (sub_buckets - 1));
  return std::min(buckets - 1, linear + (exponent - 7) * sub_buckets + sub);
}

std::uint64_t latency_histogram::upper_edge(std::size_t index) {
  if (index < linear) {
    return index;
  }
  const auto exponent = (index - linear) / sub_buckets + 7;
  const auto sub = (index - linear) % sub_buckets;
  return ((std::uint64_t{1} << 6 | sub) + 1) << (exponent - 6);
}

void latency_histogram::record(std::uint64_t micros) {
  ++counts_[index_of(micros)];
  ++count_;
  min_ = std::min(min_, micros);
  max_ = std::max(max_, micros);
}

void latency_histogram::merge(const latency_histogram& other) {
  for (std::size_t i = 0; i < buckets; ++i) {
    counts_[i] += other.counts_[i];
  }
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::uint64_t latency_histogram::quantile(double q) const {
  if (count_ == 0) {
    return 0;
  }
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::clamp(upper_edge(i), min(), max_);
    }
  }
  return max_;
}

}  // namespace parley::bench
