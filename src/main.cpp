#include <malloc.h>
#include <fstream>

#include <iostream>
#include <sstream>

#include "parley/config/config.hpp"
#include "parley/log/log.hpp"
#include "parley/server/server.hpp"

extern char** environ;

namespace {

std::optional<std::string> read_dotenv() {
  std::ifstream in(".env");
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) {
      env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
  }
  return env;
}

}  // namespace

int main(int argc, char** argv) {
  // A fixed threshold turns off glibc's adaptive one, which after the first freed 16 MiB scrypt
  // buffer would serve every later one from a thread's heap and keep it resident for good.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  parley::config::load_result loaded;
  try {
    loaded = parley::config::load(std::vector<std::string>(argv + 1, argv + argc), environment(),
                                  read_dotenv());
    if (loaded.help) {
      std::cout << parley::config::usage();
      return 0;
    }
    parley::log::configure(loaded.cfg.log_level, loaded.cfg.log_file);
  } catch (const std::exception& e) {
    std::cerr << "parley: " << e.what() << '\n';
    return 2;
  }
  for (const auto& w : loaded.warnings) {
    PARLEY_LOG(warn, "config") << w;
  }
  try {
    parley::server::server srv(std::move(loaded.cfg));
    return srv.run();
  } catch (const std::exception& e) {
    PARLEY_LOG(error, "server") << e.what();
    return 1;
  }
}
