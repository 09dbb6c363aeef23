#include "parley/bench/scenario_setup.hpp"
#include "parley/bench/session.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "parley/util/with_error.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;
using util::with_error;
using steady = std::chrono::steady_clock;

namespace {

std::uint64_t micros_since(steady::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - start).count());
}

awaitable<void> cycle_worker(setup& s, std::size_t w, worker_thread& t) {
  const auto& o = s.opts;
  const std::string base = "bench-cycle-" + std::to_string(w);
  /// The three frames of one channel's part of a case, encoded once per worker.
  struct step_frames {
    std::string join, send, leave;
  };
  std::vector<step_frames> steps;
  for (const auto& ch : o.seed_compat ? std::vector<std::string>{base + "-a", base + "-b"}
                                      : std::vector<std::string>{base}) {
    steps.push_back({R"({"type":"join","channel":")" + ch + R"(","ref":"j"})",
                     R"({"type":"send","channel":")" + ch + R"(","text":"cycle","ref":"s"})",
                     R"({"type":"leave","channel":")" + ch + R"(","ref":"l"})"});
  }
  asio::steady_timer pause(co_await asio::this_coro::executor);
  beast::flat_buffer buf;
  for (unsigned c = 0; c < o.cases; ++c) {
    const auto started = steady::now();
    auto ws =
        co_await open_session(s.endpoint_for(w + c), s.token_for(w), t.stats, s.next_source());
    if (!ws) {
      continue;
    }
    bool ok = true;
    for (const auto& step : steps) {
      ok = ok && co_await call(*ws, buf, step.join, R"("ref":"j")", t.stats);
      ok = ok && co_await call(*ws, buf, step.send, R"("ref":"s")", t.stats);
      if (ok && o.seed_compat) {
        pause.expires_after(std::chrono::milliseconds(5));
        co_await pause.async_wait(with_error);
      }
      ok = ok && co_await call(*ws, buf, step.leave, R"("ref":"l")", t.stats);
    }
    auto [cec] = co_await ws->async_close(websocket::close_code::normal, with_error);
    if (cec) {
      t.stats.error("close: " + cec.message());
      ok = false;
    }
    if (ok) {
      t.stats.latency.record(micros_since(started));
      ++t.stats.cases;
    }
  }
}

}  // namespace

result run_cycle(setup& s) {
  for (std::size_t w = 0; w < s.opts.workers; ++w) {
    auto& t = s.thread_for(w);
    asio::co_spawn(t.ioc, cycle_worker(s, w, t), asio::detached);
  }
  const auto started = steady::now();
  s.run();
  result r;
  r.elapsed_s = seconds_between(started, steady::now());
  r.total = s.merged();
  return r;
}

}  // namespace parley::bench
