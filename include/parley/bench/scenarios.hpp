#pragma once

#include <string>
#include <vector>

#include "parley/bench/options.hpp"
#include "parley/bench/report.hpp"

namespace parley::bench {

/// Signs up (409 is fine) and logs in `count` users on the first target; returns their tokens.
/// Blocking: runs before the measured phase.
std::vector<std::string> login_users(const target& server, unsigned count);

/// Runs the chosen scenario with one io_context per client thread and returns the figures.
result run_scenario(const options& o, const std::vector<std::string>& tokens);

}  // namespace parley::bench
