#include "parley/bench/fanout.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "parley/bench/resume.hpp"
#include "parley/util/with_error.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using util::with_error;
using steady = std::chrono::steady_clock;

std::string fanout_channel(std::size_t i, unsigned channels) {
  return "bench-fanout-" + std::to_string(i % channels);
}

std::string join_frame(const std::string& channel, std::optional<std::int64_t> since) {
  return R"({"type":"join","channel":")" + channel + '"' +
         (since ? R"(,"since":)" + std::to_string(*since) : std::string()) + R"(,"ref":"j"})";
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

awaitable<bool> join_at_end(ws_stream& ws, beast::flat_buffer& buf, const std::string& channel,
                            std::int64_t& last_id, tally& stats) {
  const auto history = R"({"type":"history","channel":")" + channel + R"(","limit":1,"ref":"h"})";
  if (!co_await call(ws, buf, join_frame(channel), R"("ref":"j")", stats) ||
      !co_await call(ws, buf, history, R"("ref":"h")", stats)) {
    co_return false;
  }
  last_id = 0;
  parse_message_id(frame_text(buf), last_id);
  co_return true;
}

awaitable<std::unique_ptr<ws_stream>> rejoin(setup& s, const server_address& to,
                                             const std::string& token, const std::string& join,
                                             beast::flat_buffer& buf, util::backoff& delays,
                                             const std::function<bool()>& give_up) {
  asio::steady_timer pause(co_await asio::this_coro::executor);
  tally attempts;
  while (!give_up()) {
    pause.expires_after(delays.next());
    co_await pause.async_wait(with_error);
    if (give_up()) {
      break;
    }
    auto ws = co_await open_session(to, token, attempts, s.next_source());
    if (ws && co_await call(*ws, buf, join, R"("ref":"j")", attempts)) {
      delays.reset();
      co_return ws;
    }
  }
  co_return nullptr;
}

namespace {

awaitable<void> subscriber(setup& s, fanout_state& f, std::size_t i, worker_thread& t) {
  const auto channel = i % s.opts.channels;
  const auto name = fanout_channel(channel, s.opts.channels);
  auto ws = co_await open_session(s.endpoint_for(i), s.token_for(i), t.stats, s.next_source());
  beast::flat_buffer buf;
  delivery_ledger ledger(s.opts.publishers);
  std::int64_t base = 0;
  if (!ws || !co_await join_at_end(*ws, buf, name, base, t.stats)) {
    ++f.ready;
    ++f.subscribers_done;
    co_return;
  }
  ledger.start_after(base);
  ++f.ready;
  const bool probe = s.publisher_endpoint && i < s.opts.channels;
  // Reading stops when every sent message has arrived, or at the drain deadline; a sibling
  // watchdog notices both (the first also when everything arrived before publishing ended, so
  // no further message will wake the reader) and closes the socket.
  bool finished = false;
  bool closed_by_watchdog = false;
  bool watchdog_done = false;  // the watchdog uses this frame's locals: wait for it before leaving
  const auto all_received = [&] {
    return f.publishing_done && ledger.received() >= f.sent_per_channel[channel];
  };
  asio::co_spawn(
      co_await asio::this_coro::executor,
      [&]() -> awaitable<void> {
        co_await wait_until([&] { return finished || f.stop.load() || all_received(); },
                            steady::time_point::max());
        if (!finished) {
          closed_by_watchdog = true;
          // close(), not cancel(): a cancel misses a read that Beast has not started yet.
          close_socket(ws.get());
        }
        watchdog_done = true;
      },
      asio::detached);
  auto delays = reconnect_backoff();
  const std::function<bool()> give_up = [&] { return f.stop.load() || closed_by_watchdog; };
  while (!finished) {
    buf.consume(buf.size());
    auto [ec, n] = co_await ws->async_read(buf, with_error);
    if (ec) {
      if (give_up()) {
        break;
      }
      // Resume where we stopped: the server replays what came after the last id we have.
      ws = co_await rejoin(s, s.endpoint_for(i), s.token_for(i), join_frame(name, ledger.last_id()),
                           buf, delays, give_up);
      if (!ws) {
        break;
      }
      ++t.stats.reconnects;
      continue;
    }
    const auto text = frame_text(buf);
    delivery d;
    std::int64_t ns = 0;
    if (!text.starts_with(R"({"type":"message")") || !parse_payload(text, d.pub, d.seq, ns) ||
        d.pub >= s.opts.publishers || !parse_message_id(text, d.id)) {
      continue;
    }
    t.stats.latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now_ns() - ns)) /
                           1000);
    switch (ledger.record(d)) {
      case delivery_ledger::verdict::fresh:
        ++t.stats.deliveries;
        if (probe) {
          f.probe_seen[d.pub].store(d.seq, std::memory_order_relaxed);
        }
        break;
      case delivery_ledger::verdict::out_of_order:
        ++t.stats.deliveries;
        ++t.stats.out_of_order;
        break;
      case delivery_ledger::verdict::duplicated:
        ++t.stats.duplicated;
        break;
    }
    finished = all_received();
  }
  finished = true;
  if (f.publishing_done) {
    for (auto p = static_cast<unsigned>(channel); p < s.opts.publishers; p += s.opts.channels) {
      f.lost += ledger.missing(p, f.sent_per_publisher[p]);
    }
  }
  ++f.subscribers_done;
  co_await wait_until([&] { return watchdog_done; }, steady::time_point::max());
  close_socket(ws.get());
}

}  // namespace

result run_fanout(setup& s) {
  const auto& o = s.opts;
  fanout_state f;
  f.sent_per_channel = std::make_unique<std::atomic<std::uint64_t>[]>(o.channels);
  f.sent_per_publisher = std::make_unique<std::atomic<std::uint64_t>[]>(o.publishers);
  f.probe_seen = std::make_unique<std::atomic<std::int64_t>[]>(o.publishers);
  for (unsigned p = 0; p < o.publishers; ++p) {
    f.probe_seen[p] = -1;
  }
  for (std::size_t i = 0; i < o.subscribers; ++i) {
    auto& t = s.thread_for(i);
    asio::co_spawn(t.ioc, subscriber(s, f, i, t), asio::detached);
  }
  for (unsigned p = 0; p < o.publishers; ++p) {
    auto& t = s.thread_for(p);
    asio::co_spawn(t.ioc, publisher(s, f, p, t), asio::detached);
  }
  // The conductor: waits for everyone to join, starts the clock, ends the run.
  steady::time_point finished_at;
  auto& first = *s.threads[0];
  asio::co_spawn(
      first.ioc,
      [&]() -> awaitable<void> {
        co_await wait_until([&] { return f.ready == o.subscribers + o.publishers; },
                            steady::now() + std::chrono::seconds(120));
        f.start = steady::now();
        f.go = true;
        const auto end = f.start + std::chrono::duration_cast<steady::duration>(
                                       std::chrono::duration<double>(o.duration_s));
        co_await wait_until([] { return false; }, end);
        // Publishers add their counts as they stop, which a publisher waiting for its window or
        // its write may do well after the end: subscribers compare against the counts only once
        // all are in (before, a fixed 50 ms let a slow publisher's last messages count as lost).
        co_await wait_until([&] { return f.publishers_done == o.publishers; },
                            steady::now() + drain_timeout);
        f.publishing_done = true;
        co_await wait_until([&] { return f.subscribers_done == o.subscribers; },
                            steady::now() + drain_timeout);
        finished_at = steady::now();
        f.stop = true;
      },
      asio::detached);
  s.run();
  result r;
  r.total = s.merged();
  r.elapsed_s = seconds_between(f.start, finished_at);
  r.lost = f.lost;
  return r;
}

}  // namespace parley::bench
