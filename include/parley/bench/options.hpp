#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace parley::bench {

/// A server to load: ws://host:port or wss://host:port (the path is always /ws).
struct target {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;  ///< wss://: HTTPS for the accounts, WebSocket over TLS for the sessions
};

enum class scenario { cycle, fanout, connections };

/// Everything parley-bench reads from its command line (contract: "Benchmark client").
struct options {
  std::vector<target> urls;
  std::optional<target> publisher_url;  ///< fanout: every publisher here, subscribers on --url
  scenario kind = scenario::cycle;
  unsigned workers = 10;          ///< cycle: -w
  unsigned cases = 1000;          ///< cycle: -r, per worker
  bool seed_compat = false;       ///< cycle: the Go server's case
  unsigned subscribers = 100;     ///< fanout
  unsigned publishers = 1;        ///< fanout
  unsigned channels = 1;          ///< fanout: publisher i and subscriber j use channel i % n, j % n
  double rate = 0;                ///< fanout: messages/s per publisher, 0 = as fast as possible
  double duration_s = 10;         ///< fanout, connections
  unsigned connections = 1000;    ///< connections
  unsigned threads = 1;           ///< client I/O threads (one io_context each)
  unsigned users = 10;            ///< accounts created and reused
  unsigned window = 64;           ///< fanout: unacknowledged messages per publisher at most
  unsigned source_addresses = 0;  ///< loopback source addresses; 0 = as many as the run needs
  int server_pid = 0;             ///< a server on this host whose CPU time is reported; 0 = none
  bool json = false;
};

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses argv without the program name; throws usage_error.
options parse_options(const std::vector<std::string>& args);

/// Parses ws://host:port[/...] or wss://host:port[/...]; throws usage_error.
target parse_url(const std::string& url);

std::string usage();

}  // namespace parley::bench
