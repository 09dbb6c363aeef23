#include "parley/config/config.hpp"

#include <boost/asio/ip/address.hpp>

#include <fstream>
#include <functional>
#include <limits>
#include <thread>

#include "parley/config/dotenv.hpp"
#include "parley/config/parse.hpp"
#include "parley/util/ip_address.hpp"
#include "parley/util/random.hpp"

namespace parley::config {
namespace {

/// Applies a value to the config; returns an error text ("expected ...") when it is unusable.
using setter = std::function<std::optional<std::string>(config&, const std::string&)>;

struct option_def {
  option_info info;
  setter set;
};

template <class T>
setter uint_setter(T config::*field, std::uint64_t min, std::uint64_t max) {
  return [=](config& c, const std::string& v) -> std::optional<std::string> {
    const auto n = parse_uint(v, min, max);
    if (!n) {
      return "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    }
    c.*field = static_cast<T>(*n);
    return std::nullopt;
  };
}

setter string_setter(std::string config::*field) {
  return [=](config& c, const std::string& v) -> std::optional<std::string> {
    c.*field = v;
    return std::nullopt;
  };
}

/// The non-empty items of a comma-separated value.
std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  for (const auto item : split_commas(v)) {
    if (!item.empty()) {
      out.emplace_back(item);
    }
  }
  return out;
}

const std::vector<option_def>& definitions() {
  static const std::vector<option_def> defs = {
      {{"PARLEY_LISTEN", "--listen", "127.0.0.1:8080",
        "host:port to serve HTTP and /ws on ([::1]:8080 form for IPv6; port 0 picks a free one)"},
       [](config& c, const std::string& v) -> std::optional<std::string> {
         const auto hp = parse_host_port(v);
         if (!hp) {
           return "expected host:port or [v6]:port with a port from 0 to 65535";
         }
         c.listen_host = hp->host;
         c.listen_port = hp->port;
         return std::nullopt;
       }},
      {{"PARLEY_DB", "--db", "parley.db",
        "SQLite database file (created and migrated on start), or postgres://user:password@host:"
        "port/dbname for a PostgreSQL database shared by instances on several hosts"},
       [](config& c, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) {
           return "expected a file path";
         }
         c.db_path = v;
         return std::nullopt;
       }},
      {{"PARLEY_REDIS_URL", "--redis-url", "",
        "redis://[:password@]host:port[/db]; empty = standalone, no Redis needed; several "
        "comma-separated URLs spread channels over several Redis servers (the same list, in the "
        "same order, on every instance)"},
       [](config& c, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) {
           c.redis.clear();
           return std::nullopt;
         }
         auto urls = parse_redis_urls(v);
         if (!urls) {
           return "expected redis://[:password@]host:port[/db], or several of them separated by "
                  "commas, each server once";
         }
         c.redis = std::move(*urls);
         return std::nullopt;
       }},
      {{"PARLEY_JWT_SECRET", "--jwt-secret", "",
        "HMAC key for tokens; empty = a random key per process (warned)"},
       string_setter(&config::jwt_secret)},
      {{"PARLEY_TOKEN_TTL", "--token-ttl", "86400", "token lifetime, seconds"},
       uint_setter(&config::token_ttl_s, 1, 10ull * 365 * 86400)},
      {{"PARLEY_STATIC_DIR", "--static-dir", "",
        "empty: the built-in web client at /; a directory: its files instead"},
       string_setter(&config::static_dir)},
      {{"PARLEY_UPLOAD_DIR", "--upload-dir", "uploads",
        "directory where uploaded files are stored (created on start)"},
       string_setter(&config::upload_dir)},
      {{"PARLEY_MAX_UPLOAD_BYTES", "--max-upload-bytes", "10485760", "largest accepted upload"},
       uint_setter(&config::max_upload_bytes, 1, std::uint64_t{1} << 40)},
      {{"PARLEY_UNATTACHED_UPLOAD_TTL", "--unattached-upload-ttl", "86400",
        "seconds an upload never attached to a message is kept"},
       uint_setter(&config::unattached_upload_ttl_s, 1, 10ull * 365 * 86400)},
      {{"PARLEY_THREADS", "--threads", "number of cores", "I/O threads"},
       uint_setter(&config::threads, 1, 256)},
      {{"PARLEY_LOG_LEVEL", "--log-level", "info", "trace, debug, info, warn or error"},
       [](config& c, const std::string& v) -> std::optional<std::string> {
         const auto l = log::parse_level(v);
         if (!l) {
           return "expected trace, debug, info, warn or error";
         }
         c.log_level = *l;
         return std::nullopt;
       }},
      {{"PARLEY_LOG_FILE", "--log-file", "", "also log to this file"},
       string_setter(&config::log_file)},
      {{"PARLEY_LOG_FORMAT", "--log-format", "text",
        "text (one readable line per entry) or json (one JSON object per line)"},
       [](config& c, const std::string& v) -> std::optional<std::string> {
         const auto f = log::parse_format(v);
         if (!f) {
           return "expected text or json";
         }
         c.log_format = *f;
         return std::nullopt;
       }},
      {{"PARLEY_TLS_CERT", "--tls-cert", "", "PEM certificate; with --tls-key: HTTPS/WSS only"},
       string_setter(&config::tls_cert)},
      {{"PARLEY_TLS_KEY", "--tls-key", "", "PEM private key for --tls-cert"},
       string_setter(&config::tls_key)},
      {{"PARLEY_INSTANCE_ID", "--instance-id", "random",
        "name of this instance in logs, metrics and hello"},
       [](config& c, const std::string& v) -> std::optional<std::string> {
         if (v.empty() || v.size() > 64 ||
             v.find_first_not_of(
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
                 std::string::npos) {
           return "expected 1-64 characters from A-Z a-z 0-9 _ . -";
         }
         c.instance_id = v;
         return std::nullopt;
       }},
      {{"PARLEY_RATE_LIMIT", "--rate-limit", "100",
        "frames per second one session may send; 0 = unlimited"},
       uint_setter(&config::rate_limit, 0, 10'000'000)},
      {{"PARLEY_RATE_BURST", "--rate-burst", "200", "token bucket size for --rate-limit"},
       uint_setter(&config::rate_burst, 1, 10'000'000)},
      {{"PARLEY_MAX_QUEUE_BYTES", "--max-queue-bytes", "1048576",
        "outbound bytes queued for one session before it is closed as a slow consumer"},
       uint_setter(&config::max_queue_bytes, 1024, std::numeric_limits<std::uint32_t>::max())},
      {{"PARLEY_IDLE_TIMEOUT", "--idle-timeout", "60",
        "seconds: ping a WebSocket silent for half of this, close one silent for all of it"},
       uint_setter(&config::idle_timeout_s, 2, 86400)},
      {{"PARLEY_MAX_CONNECTIONS", "--max-connections", "0",
        "open connections beyond which new ones get 503; 0 = as the open-files limit allows"},
       uint_setter(&config::max_connections, 0, 100'000'000)},
      {{"PARLEY_ALLOWED_ORIGINS", "--allowed-origins", "",
        "comma-separated origins allowed to open /ws with cookie auth; empty = same origin"},
       [](config& c, const std::string& v) -> std::optional<std::string> {
         c.allowed_origins = split_list(v);
         return std::nullopt;
       }},
      {{"PARLEY_AUTH_RATE", "--auth-rate", "30",
        "sign-up and login attempts per 60 s from one client address (then 429); 0 = unlimited"},
       uint_setter(&config::auth_rate, 0, 1'000'000)},
      {{"PARLEY_TRUSTED_PROXIES", "--trusted-proxies", "",
        "comma-separated proxy addresses whose X-Forwarded-For names the client"},
       [](config& c, const std::string& v) -> std::optional<std::string> {
         c.trusted_proxies.clear();
         for (const auto& item : split_list(v)) {
           boost::system::error_code ec;
           const auto address = boost::asio::ip::make_address(item, ec);
           if (ec) {
             return "expected comma-separated IP addresses";
           }
           c.trusted_proxies.push_back(util::unmapped(address));
         }
         return std::nullopt;
       }},
  };
  return defs;
}

void apply(config& c, const option_def& def, const std::string& value, const std::string& source) {
  if (auto err = def.set(c, value)) {
    throw config_error(source + ": bad value '" + value + "': " + *err);
  }
}

const option_def* by_env_key(const std::string& key) {
  for (const auto& d : definitions()) {
    if (key == d.info.env_key) {
      return &d;
    }
  }
  return nullptr;
}

const option_def* by_flag(const std::string& flag) {
  for (const auto& d : definitions()) {
    if (flag == d.info.flag) {
      return &d;
    }
  }
  return nullptr;
}

/// Turns the arguments that are not options into a command: none (serve) or `backup <file>`.
std::optional<backup_request> parse_command(const std::vector<std::string>& words, bool force) {
  if (words.empty()) {
    if (force) {
      throw config_error("--force belongs to the backup command: parley backup --force <file>");
    }
    return std::nullopt;
  }
  if (words[0] != "backup") {
    throw config_error("unknown command '" + words[0] + "' (see --help)");
  }
  if (words.size() < 2) {
    throw config_error("backup needs the file to write: parley backup [--force] <file>");
  }
  if (words.size() > 2) {
    throw config_error("backup takes one file, not also '" + words[2] +
                       "': parley backup [--force] <file>");
  }
  return backup_request{words[1], force};
}

void check_readable(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) {
    throw config_error(std::string(what) + ": cannot read '" + path + "'");
  }
}

}  // namespace

const std::vector<option_info>& options() {
  static const std::vector<option_info> infos = [] {
    std::vector<option_info> out;
    for (const auto& d : definitions()) {
      out.push_back(d.info);
    }
    return out;
  }();
  return infos;
}

load_result load(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env,
                 const std::optional<std::string>& dotenv_text) {
  load_result r;
  r.cfg.threads = std::max(1u, std::thread::hardware_concurrency());

  if (dotenv_text) {
    for (const auto& [key, value] : parse_dotenv(*dotenv_text)) {
      if (const auto* def = by_env_key(key)) {
        apply(r.cfg, *def, value, ".env " + key);
      } else if (key.starts_with("PARLEY_")) {
        throw config_error(".env: unknown key " + key);
      }
    }
  }
  for (const auto& [key, value] : env) {
    if (const auto* def = by_env_key(key)) {
      apply(r.cfg, *def, value, "environment " + key);
    } else if (key.starts_with("PARLEY_")) {
      r.warnings.push_back("ignoring unknown environment variable " + key);
    }
  }
  std::vector<std::string> words;
  bool force = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (!arg.starts_with('-')) {
      words.push_back(arg);
      continue;
    }
    if (arg == "--force") {
      force = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      r.help = true;
      return r;
    }
    if (arg == "--version") {
      r.version = true;
      return r;
    }
    const auto eq = arg.find('=');
    const auto flag = arg.substr(0, eq);
    const auto* def = by_flag(flag);
    if (def == nullptr) {
      throw config_error("unknown option '" + flag + "' (see --help)");
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw config_error("option " + flag + " needs a value");
    }
    apply(r.cfg, *def, value, "option " + flag);
  }
  r.backup = parse_command(words, force);

  auto& c = r.cfg;
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    throw config_error("TLS needs both PARLEY_TLS_CERT and PARLEY_TLS_KEY");
  }
  if (!c.tls_cert.empty()) {
    check_readable(c.tls_cert, "PARLEY_TLS_CERT");
    check_readable(c.tls_key, "PARLEY_TLS_KEY");
  }
  if (c.instance_id.empty()) {
    c.instance_id = util::random_hex(4);
  }
  if (c.jwt_secret.empty() && !r.backup) {
    c.jwt_secret = util::random_bytes(32);
    r.warnings.push_back(
        "PARLEY_JWT_SECRET is empty: using a random key; tokens die with this process and are "
        "not valid on other instances");
  }
  return r;
}

std::string usage() {
  std::string out =
      "usage: parley [options]                      run the server\n"
      "       parley backup [options] [--force] FILE  copy the SQLite database (PARLEY_DB) to\n"
      "                                             FILE while a server may be running on it;\n"
      "                                             --force replaces an existing FILE\n\n"
      "Configuration is read from built-in defaults, then ./.env, then the environment, then\n"
      "these options (later wins).\n\n";
  for (const auto& o : options()) {
    std::string left = std::string("  ") + o.flag + " VALUE";
    left.resize(std::max<std::size_t>(left.size() + 1, 28), ' ');
    out += left + o.meaning + "\n";
    out += std::string(28, ' ') + "env " + o.env_key + ", default '" + o.default_text + "'\n";
  }
  out += "  --help                    print this text\n";
  out += "  --version                 print the version and exit\n";
  return out;
}

}  // namespace parley::config
