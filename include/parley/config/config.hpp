#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "parley/config/redis_url.hpp"
#include "parley/log/log.hpp"

namespace parley::config {

/// A configuration that cannot be used; its message is the one line printed before exiting.
struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Everything the server reads at start (contract: "Configuration").
struct config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string db_path = "parley.db";
  /// Empty: standalone. Several: channel topics spread over them (cluster::shard_of).
  std::vector<redis_url> redis;
  std::string jwt_secret;
  std::int64_t token_ttl_s = 86400;
  std::string static_dir;  ///< empty: the built-in web client
  std::string upload_dir = "uploads";
  std::uint64_t max_upload_bytes = 10485760;
  std::int64_t unattached_upload_ttl_s = 86400;
  unsigned threads = 1;
  log::level log_level = log::level::info;
  std::string log_file;
  log::format log_format = log::format::text;
  std::string tls_cert;
  std::string tls_key;
  std::string instance_id;
  std::uint32_t rate_limit = 100;
  std::uint32_t rate_burst = 200;
  std::size_t max_queue_bytes = 1048576;
  std::uint32_t idle_timeout_s = 60;
  std::size_t max_connections = 0;
  std::vector<std::string> allowed_origins;
  std::uint32_t auth_rate = 30;  ///< sign-ups and logins per minute from one address; 0 = any
  /// IPv4 in IPv4 form even if written mapped (util::unmapped), as connections are compared.
  std::vector<boost::asio::ip::address> trusted_proxies;
};

/// One configurable key: its environment name, its flag, its default as documented, its meaning.
struct option_info {
  const char* env_key;
  const char* flag;
  const char* default_text;
  const char* meaning;
};

/// Every option in the order of the contract's table.
const std::vector<option_info>& options();

/// `parley backup [--force] <file>`: copy the database to `target` instead of serving.
struct backup_request {
  std::string target;
  bool force = false;  ///< replace an existing target file
};

/// The outcome of reading every source.
struct load_result {
  config cfg;
  bool help = false;                     ///< --help was given: print usage() and exit 0
  bool version = false;                  ///< --version was given: print the version and exit 0
  std::optional<backup_request> backup;  ///< the backup command instead of the server
  std::vector<std::string> warnings;     ///< to log once logging is configured
};

/// Applies defaults, then `dotenv_text` (the .env file's content, if any), then `env`, then `args`
/// (argv without the program name), where the options may stand before and after a command
/// (`backup <file>`). Throws config_error on the first bad value or bad use of a command.
load_result load(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env,
                 const std::optional<std::string>& dotenv_text);

/// The text printed by --help.
std::string usage();

}  // namespace parley::config
