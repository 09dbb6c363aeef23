#include <unistd.h>

#include <iostream>

#include "parley/bench/options.hpp"
#include "parley/bench/report.hpp"
#include "parley/bench/scenarios.hpp"
#include "parley/util/open_files.hpp"

int main(int argc, char** argv) {
  using namespace parley::bench;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << usage();
      return 0;
    }
  }
  try {
    const auto opts = parse_options(args);
    parley::util::raise_open_files_limit();
    const auto tokens = login_users(opts.urls.front(), opts.users);
    progress_fn live;
    if (isatty(STDERR_FILENO)) {
      live = [](const progress& p) { std::cerr << progress_line(p) << std::flush; };
    }
    const auto r = run_scenario(opts, tokens, live);
    if (live) {
      std::cerr << "\r\x1b[K";
    }
    std::cout << (opts.json ? to_json(opts, r) + "\n" : to_text(opts, r));
    return 0;
  } catch (const usage_error& e) {
    std::cerr << "parley-bench: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "parley-bench: " << e.what() << '\n';
    return 1;
  }
}
