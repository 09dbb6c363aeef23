#include <malloc.h>
#include <fstream>

#include <iomanip>
#include <iostream>
#include <sstream>

#include "parley/config/config.hpp"
#include "parley/log/log.hpp"
#include "parley/metrics/build_version.hpp"
#include "parley/postgres/connection_url.hpp"
#include "parley/server/server.hpp"
#include "parley/store/backup.hpp"

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

/// `parley backup`: 0 when the copy is in place, 1 when it failed, 2 for PostgreSQL.
int backup(const parley::config::config& cfg, const parley::config::backup_request& request) {
  if (parley::postgres::is_postgres_url(cfg.db_path)) {
    // The example names the database without its password: pg_dump reads that from PGPASSWORD
    // or ~/.pgpass, and a password does not belong on a command line.
    auto url = parley::postgres::without_password(cfg.db_path);
    if (const auto hidden = url.find(":***@"); hidden != std::string::npos) {
      url.erase(hidden, 4);
    }
    std::cerr << "parley backup: PARLEY_DB is a PostgreSQL database; back it up with pg_dump, "
                 "e.g. pg_dump --format=custom --file="
              << request.target << " '" << url << "'\n";
    return 2;
  }
  try {
    parley::store::backup_options options;
    options.replace = request.force;
    const auto r = parley::store::backup_sqlite(cfg.db_path, request.target, options);
    std::cout << "parley backup: " << cfg.db_path << " copied to " << request.target << ": "
              << r.pages << " pages, " << r.bytes << " bytes, " << std::fixed
              << std::setprecision(2) << r.seconds << " s, integrity ok\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "parley backup: " << e.what() << '\n';
    return 1;
  }
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
    if (loaded.version) {
      std::cout << "parley " << parley::metrics::build_version() << '\n';
      return 0;
    }
    if (loaded.backup) {
      return backup(loaded.cfg, *loaded.backup);
    }
    parley::log::configure({.threshold = loaded.cfg.log_level,
                            .file_path = loaded.cfg.log_file,
                            .line_format = loaded.cfg.log_format,
                            .instance = loaded.cfg.instance_id});
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
