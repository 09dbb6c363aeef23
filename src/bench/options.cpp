#include "parley/bench/options.hpp"

#include <thread>

#include "parley/config/parse.hpp"

namespace parley::bench {
namespace {

unsigned number(const std::string& flag, const std::string& v, unsigned min, unsigned max) {
  const auto n = config::parse_uint(v, min, max);
  if (!n) {
    throw usage_error(flag + ": expected a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max));
  }
  return static_cast<unsigned>(*n);
}

double decimal(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    if (used == v.size() && d >= 0) {
      return d;
    }
  } catch (const std::exception&) {
  }
  throw usage_error(flag + ": expected a non-negative number");
}

}  // namespace

target parse_url(const std::string& url) {
  constexpr std::string_view plain = "ws://";
  constexpr std::string_view tls = "wss://";
  const bool is_tls = std::string_view(url).starts_with(tls);
  if (!is_tls && !std::string_view(url).starts_with(plain)) {
    throw usage_error("--url: expected ws://host:port or wss://host:port");
  }
  auto rest = url.substr(is_tls ? tls.size() : plain.size());
  rest = rest.substr(0, rest.find('/'));
  const auto hp = config::parse_host_port(rest);
  if (!hp || hp->port == 0) {
    throw usage_error("--url: expected ws://host:port or wss://host:port");
  }
  return {hp->host, hp->port, is_tls};
}

options parse_options(const std::vector<std::string>& args) {
  options o;
  o.threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        throw usage_error(a + " needs a value");
      }
      return args[++i];
    };
    if (a == "cycle") {
      o.kind = scenario::cycle;
    } else if (a == "fanout") {
      o.kind = scenario::fanout;
    } else if (a == "connections") {
      o.kind = scenario::connections;
    } else if (a == "--url") {
      o.urls.push_back(parse_url(value()));
    } else if (a == "--publisher-url") {
      o.publisher_url = parse_url(value());
    } else if (a == "--source-addresses") {
      o.source_addresses = number(a, value(), 1, 254);
    } else if (a == "-w" || a == "--workers") {
      o.workers = number(a, value(), 1, 100000);
    } else if (a == "-r" || a == "--cases") {
      o.cases = number(a, value(), 1, 100000000);
    } else if (a == "--seed-compat") {
      o.seed_compat = true;
    } else if (a == "--subscribers") {
      o.subscribers = number(a, value(), 0, 1000000);
    } else if (a == "--publishers") {
      o.publishers = number(a, value(), 1, 100000);
    } else if (a == "--rate") {
      o.rate = decimal(a, value());
    } else if (a == "--duration") {
      o.duration_s = decimal(a, value());
    } else if (a == "--channels") {
      o.channels = number(a, value(), 1, 100000);
    } else if (a == "--connections") {
      o.connections = number(a, value(), 1, 1000000);
    } else if (a == "--threads") {
      o.threads = number(a, value(), 1, 256);
    } else if (a == "--users") {
      o.users = number(a, value(), 1, 100000);
    } else if (a == "--window") {
      o.window = number(a, value(), 1, 1000000);
    } else if (a == "--server-pid") {
      o.server_pid = static_cast<int>(number(a, value(), 1, 4194304));
    } else if (a == "--json") {
      o.json = true;
    } else {
      throw usage_error("unknown argument '" + a + "' (see --help)");
    }
  }
  if (o.urls.empty()) {
    o.urls.push_back({"127.0.0.1", 8080});
  }
  return o;
}

std::string usage() {
  return R"(usage: parley-bench [--url ws[s]://host:port]... [cycle|fanout|connections] [options]

Signs up / logs in its own users over HTTP (--users, default 10, reused), then runs:
  cycle (default)  -w WORKERS (10) each run -r CASES (1000): connect, join, send and await the
                   echo, leave, close. --seed-compat: connect, then for each of two channels
                   join, send (await echo), sleep 5 ms, leave; then close.
  fanout           --subscribers N (100) in one channel, --publishers P (1) each sending
                   --rate R msg/s (0 = as fast as possible, at most --window 64 unacknowledged)
                   for --duration S (10) seconds. Reports end-to-end latency and lost,
                   duplicated and out-of-order deliveries. --channels C spreads
                   publisher i and subscriber j over channels i % C and j % C.
  connections      --connections N (1000) idle sessions held for --duration S seconds.
Common: --url (repeat to spread sessions over instances), --threads T (cores), --json.
A wss:// URL speaks TLS (1.2 or later) for the sign-ups, logins and sessions WITHOUT checking
the server's certificate: for test servers only, never where the server's identity matters.
Reports parley-bench's own CPU time for the run (per case for cycle); --server-pid PID adds
that server process's CPU time, read from /proc (same host only), to tell which side limits.
fanout --publisher-url ws[s]://host:port puts every publisher on that instance (and the
subscribers on the --url ones): a cross-instance fanout. A publisher's window is then
acknowledged by its channel's first subscriber, not by its own echo.
To a 127.x.x.x target, connections come from 127.0.0.1, .2, ... once a run plans more of them
than 90 % of one address's ephemeral ports; --source-addresses N sets the count (1..254).
Run the server with --rate-limit 0 for throughput figures.
)";
}

}  // namespace parley::bench
