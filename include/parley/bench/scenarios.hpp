#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "parley/bench/options.hpp"
#include "parley/bench/report.hpp"

namespace parley::bench {

/// Signs up (409 is fine) and logs in `count` users on the first target; returns their tokens.
/// Blocking: runs before the measured phase.
std::vector<std::string> login_users(const target& server, unsigned count);

/// Running totals while a scenario runs.
struct progress {
  double elapsed_s = 0;
  std::uint64_t cases = 0;
  std::uint64_t sent = 0;
  std::uint64_t deliveries = 0;
  std::uint64_t connections = 0;
  std::uint64_t errors = 0;
};
using progress_fn = std::function<void(const progress&)>;

/// Runs the chosen scenario with one io_context per client thread and returns the figures.
/// `on_progress`, when set, is called from another thread about twice a second.
result run_scenario(const options& o, const std::vector<std::string>& tokens,
                    progress_fn on_progress = {});

/// The one updating terminal line for `p`: starts with a carriage return, ends by clearing
/// the rest of the line.
std::string progress_line(const progress& p);

}  // namespace parley::bench
