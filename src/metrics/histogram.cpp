#include "parley/metrics/histogram.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace parley::metrics {
namespace {

std::atomic<std::size_t> next_thread{0};

/// Which shard this thread counts into: threads take shards round-robin as they first observe.
std::size_t thread_slot() {
  thread_local const std::size_t slot = next_thread.fetch_add(1, std::memory_order_relaxed);
  return slot;
}

/// Enough digits for a sum of many seconds without exponent surprises.
std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", seconds);
  return buf;
}

}  // namespace

histogram::histogram(std::span<const double> upper_bounds) : size_(upper_bounds.size()) {
  if (size_ > max_bounds || !std::is_sorted(upper_bounds.begin(), upper_bounds.end())) {
    throw std::invalid_argument("histogram: at most 16 ascending bounds");
  }
  for (std::size_t i = 0; i < size_; ++i) {
    bounds_[i] = upper_bounds[i];
    bounds_ns_[i] = static_cast<std::int64_t>(upper_bounds[i] * 1e9);
  }
}

void histogram::observe(std::chrono::nanoseconds value) {
  const auto ns = std::max<std::int64_t>(value.count(), 0);
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_ns_.begin(), bounds_ns_.begin() + size_, ns) - bounds_ns_.begin());
  auto& s = shards_[thread_slot() % shard_count];
  s.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

histogram::reading histogram::read() const {
  reading r;
  r.bounds.assign(bounds_.begin(), bounds_.begin() + size_);
  r.cumulative.assign(size_ + 1, 0);
  std::uint64_t sum_ns = 0;
  for (const auto& s : shards_) {
    for (std::size_t i = 0; i <= size_; ++i) {
      r.cumulative[i] += s.buckets[i].load(std::memory_order_relaxed);
    }
    sum_ns += s.sum_ns.load(std::memory_order_relaxed);
  }
  for (std::size_t i = 1; i <= size_; ++i) {
    r.cumulative[i] += r.cumulative[i - 1];
  }
  r.count = r.cumulative[size_];
  r.sum_seconds = static_cast<double>(sum_ns) / 1e9;
  return r;
}

void histogram::render(std::ostream& out, std::string_view name, std::string_view labels) const {
  const auto r = read();
  const std::string_view comma = labels.empty() ? "" : ",";
  for (std::size_t i = 0; i <= r.bounds.size(); ++i) {
    out << name << "_bucket{" << labels << comma << "le=\"";
    if (i < r.bounds.size()) {
      out << seconds_text(r.bounds[i]);
    } else {
      out << "+Inf";
    }
    out << "\"} " << r.cumulative[i] << '\n';
  }
  const auto braces = [&] {
    return labels.empty() ? std::string() : "{" + std::string(labels) + "}";
  };
  out << name << "_sum" << braces() << ' ' << seconds_text(r.sum_seconds) << '\n';
  out << name << "_count" << braces() << ' ' << r.count << '\n';
}

}  // namespace parley::metrics
