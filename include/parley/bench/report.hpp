#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "parley/bench/latency_histogram.hpp"
#include "parley/bench/options.hpp"

namespace parley::bench {

/// What one thread of the benchmark counted; merged at the end.
struct tally {
  latency_histogram latency;
  std::uint64_t cases = 0;
  std::uint64_t sent = 0;
  std::uint64_t deliveries = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t connections = 0;
  std::map<std::string, std::uint64_t> errors;  ///< by kind

  void error(const std::string& kind) { ++errors[kind]; }
  void merge(const tally& other);
};

/// The final figures of a run.
struct result {
  tally total;
  double elapsed_s = 0;    ///< the measured phase
  double open_s = 0;       ///< connections: time to open them all
  std::uint64_t lost = 0;  ///< fanout: expected deliveries that never came
};

/// The contract's JSON object (scenario, errors, latency_ms, and the scenario's own fields).
std::string to_json(const options& o, const result& r);
/// A readable table.
std::string to_text(const options& o, const result& r);

}  // namespace parley::bench
