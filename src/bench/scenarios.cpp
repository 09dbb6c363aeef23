#include "parley/bench/scenarios.hpp"
#include "parley/bench/cpu_time.hpp"
#include "parley/bench/scenario_setup.hpp"
#include "parley/bench/source_addresses.hpp"

#include <boost/asio.hpp>

#include <condition_variable>
#include <iomanip>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

namespace parley::bench {
namespace asio = boost::asio;
using asio::ip::tcp;
using steady = std::chrono::steady_clock;

void setup::run() {
  const auto started = steady::now();
  std::vector<std::thread> running;
  for (auto& t : threads) {
    running.emplace_back([&t] { t->ioc.run(); });
  }
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  std::thread reporter;
  if (on_progress) {
    reporter = std::thread([&] {
      std::unique_lock lock(mutex);
      while (!cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return done; })) {
        progress p;
        p.elapsed_s = seconds_between(started, steady::now());
        for (const auto& t : threads) {
          p.cases += t->stats.cases.get();
          p.sent += t->stats.sent.get();
          p.deliveries += t->stats.deliveries.get();
          p.connections += t->stats.connections.get();
          p.errors += t->stats.error_count.get();
        }
        on_progress(p);
      }
    });
  }
  for (auto& t : running)
    t.join();
  if (reporter.joinable()) {
    {
      std::lock_guard lock(mutex);
      done = true;
    }
    cv.notify_all();
    reporter.join();
  }
}

tally setup::merged() const {
  tally total;
  for (const auto& t : threads)
    total.merge(t->stats);
  return total;
}

std::string progress_line(const progress& p) {
  std::ostringstream out;
  out << '\r' << std::fixed << std::setprecision(1) << p.elapsed_s << " s";
  if (p.cases > 0) {
    out << " | cases " << p.cases;
  }
  if (p.sent > 0) {
    out << " | sent " << p.sent << " | deliveries " << p.deliveries;
  }
  out << " | connections " << p.connections << " | errors " << p.errors << "\x1b[K";
  return out.str();
}

result run_scenario(const options& o, const std::vector<std::string>& tokens,
                    progress_fn on_progress) {
  setup s{o, {}, tokens, {}, {}, std::move(on_progress)};
  asio::io_context resolver_ctx;
  tcp::resolver resolver(resolver_ctx);
  const auto address_of = [&](const target& u) {
    if (u.tls && !s.tls) {
      s.tls = std::make_unique<asio::ssl::context>(make_tls_context());
    }
    return server_address{*resolver.resolve(u.host, std::to_string(u.port)).begin(), u.host,
                          u.tls ? s.tls.get() : nullptr};
  };
  for (const auto& u : o.urls) {
    s.endpoints.push_back(address_of(u));
  }
  if (o.publisher_url) {
    s.publisher_endpoint = address_of(*o.publisher_url);
  }
  s.sources =
      source_addresses_needed(s.endpoints.front().endpoint.address(), planned_connections(o),
                              ephemeral_ports(), o.source_addresses);
  for (unsigned i = 0; i < o.threads; ++i) {
    s.threads.push_back(std::make_unique<worker_thread>());
  }
  const auto server_before = o.server_pid ? process_cpu_seconds(o.server_pid) : std::nullopt;
  const auto client_before = own_cpu_seconds();
  result r;
  switch (o.kind) {
    case scenario::cycle:
      r = run_cycle(s);
      break;
    case scenario::fanout:
      r = run_fanout(s);
      break;
    case scenario::connections:
      r = run_connections(s);
      break;
  }
  r.client_cpu_s = own_cpu_seconds() - client_before;
  if (server_before) {
    if (const auto server_after = process_cpu_seconds(o.server_pid)) {
      r.server_cpu_s = *server_after - *server_before;
    }
  }
  return r;
}

}  // namespace parley::bench
