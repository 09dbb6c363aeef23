#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "parley/bench/latency_histogram.hpp"
#include "parley/bench/options.hpp"

namespace parley::bench {

/// A count written by one thread and read by another while it runs (the progress line): plain
/// relaxed loads and stores, no read-modify-write, so the hot path pays nothing extra.
class relaxed_counter {
 public:
  relaxed_counter() = default;
  relaxed_counter(const relaxed_counter& o) : value_(o.get()) {}
  relaxed_counter& operator=(const relaxed_counter& o) {
    value_.store(o.get(), std::memory_order_relaxed);
    return *this;
  }
  relaxed_counter& operator+=(std::uint64_t n) {
    value_.store(get() + n, std::memory_order_relaxed);
    return *this;
  }
  relaxed_counter& operator++() { return *this += 1; }
  std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// What one thread of the benchmark counted; merged at the end.
struct tally {
  latency_histogram latency;
  relaxed_counter cases;
  relaxed_counter sent;
  relaxed_counter deliveries;
  relaxed_counter duplicated;
  relaxed_counter out_of_order;
  relaxed_counter connections;
  relaxed_counter reconnects;                   ///< fanout: sessions opened again after a drop
  relaxed_counter error_count;                  ///< all kinds, for the progress line
  std::map<std::string, std::uint64_t> errors;  ///< by kind; read only after the run

  void error(const std::string& kind) {
    ++errors[kind];
    ++error_count;
  }
  void merge(const tally& other);
};

/// The final figures of a run.
struct result {
  tally total;
  double elapsed_s = 0;                ///< the measured phase
  double open_s = 0;                   ///< connections: time to open them all
  std::uint64_t lost = 0;              ///< fanout: expected deliveries that never came
  double client_cpu_s = 0;             ///< parley-bench's CPU time during the measured phase
  std::optional<double> server_cpu_s;  ///< --server-pid's CPU time during the measured phase
};

/// The contract's JSON object (scenario, errors, latency_ms, and the scenario's own fields).
std::string to_json(const options& o, const result& r);
/// A readable table.
std::string to_text(const options& o, const result& r);

}  // namespace parley::bench
