#include "parley/bench/scenario_setup.hpp"
#include "parley/bench/session.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <memory>

#include "parley/util/with_error.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using util::with_error;
using steady = std::chrono::steady_clock;

namespace {

constexpr unsigned opens_in_flight_per_thread = 64;

awaitable<void> hold_session(std::shared_ptr<ws_stream> ws, std::atomic<bool>& stop) {
  // Reading answers the server's pings; a cancellation from the conductor ends it.
  beast::flat_buffer buf;
  while (!stop) {
    auto [ec, n] = co_await ws->async_read(buf, with_error);
    if (ec)
      break;
    buf.consume(buf.size());
  }
  close_socket(ws.get());
}

}  // namespace

result run_connections(setup& s) {
  const auto& o = s.opts;
  std::atomic<unsigned> next{0};
  std::atomic<unsigned> attempted{0};
  std::atomic<bool> stop{false};
  std::vector<std::vector<std::shared_ptr<ws_stream>>> open_per_thread(s.threads.size());
  const auto started = steady::now();
  steady::time_point all_open;
  for (std::size_t ti = 0; ti < s.threads.size(); ++ti) {
    auto& t = *s.threads[ti];
    for (unsigned k = 0; k < opens_in_flight_per_thread; ++k) {
      asio::co_spawn(
          t.ioc,
          [&, ti]() -> awaitable<void> {
            for (unsigned i = next++; i < o.connections; i = next++) {
              auto ws = co_await open_session(s.endpoint_for(i), s.token_for(i), t.stats,
                                              s.next_source());
              ++attempted;
              if (ws) {
                ++t.stats.connections;
                std::shared_ptr<ws_stream> held = std::move(ws);
                open_per_thread[ti].push_back(held);
                asio::co_spawn(t.ioc, hold_session(std::move(held), stop), asio::detached);
              }
            }
          },
          asio::detached);
    }
  }
  asio::co_spawn(
      s.threads[0]->ioc,
      [&]() -> awaitable<void> {
        co_await wait_until([&] { return attempted == o.connections; }, steady::time_point::max());
        all_open = steady::now();
        co_await wait_until([] { return false; },
                            all_open + std::chrono::duration_cast<steady::duration>(
                                           std::chrono::duration<double>(o.duration_s)));
        stop = true;
        for (std::size_t ti = 0; ti < s.threads.size(); ++ti) {
          asio::post(s.threads[ti]->ioc, [&, ti] {
            for (const auto& ws : open_per_thread[ti]) {
              close_socket(ws.get());
            }
          });
        }
      },
      asio::detached);
  s.run();
  result r;
  r.total = s.merged();
  r.open_s = seconds_between(started, all_open);
  r.elapsed_s = seconds_between(started, steady::now());
  return r;
}

}  // namespace parley::bench
