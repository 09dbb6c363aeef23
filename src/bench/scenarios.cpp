#include "parley/bench/scenarios.hpp"
#include "parley/bench/source_addresses.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <iomanip>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "parley/util/with_error.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::ip::tcp;
using util::with_error;
using ws_stream = websocket::stream<beast::tcp_stream>;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto poll_interval = std::chrono::milliseconds(5);
constexpr auto drain_timeout = std::chrono::seconds(5);
constexpr unsigned opens_in_flight_per_thread = 64;

std::string fanout_channel(std::size_t i, unsigned channels) {
  return "bench-fanout-" + std::to_string(i % channels);
}

std::string join_frame(const std::string& channel) {
  return R"({"type":"join","channel":")" + channel + R"(","ref":"j"})";
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

std::uint64_t micros_since(steady::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - start).count());
}

double seconds_between(steady::time_point a, steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

/// One client thread: its own io_context and its own counters, merged at the end.
struct worker_thread {
  asio::io_context ioc{1};
  tally stats;
};

/// Everything a scenario needs to open sessions.
struct setup {
  const options& opts;
  std::vector<tcp::endpoint> endpoints;
  const std::vector<std::string>& tokens;
  std::optional<tcp::endpoint> publisher_endpoint;
  std::vector<std::unique_ptr<worker_thread>> threads;

  const tcp::endpoint& endpoint_for(std::size_t i) const { return endpoints[i % endpoints.size()]; }
  /// The address the next connection binds to; none when one address is enough.
  std::optional<asio::ip::address_v4> next_source() {
    if (sources <= 1) {
      return std::nullopt;
    }
    return loopback_source(connects.fetch_add(1, std::memory_order_relaxed), sources);
  }
  const std::string& token_for(std::size_t i) const { return tokens[i % tokens.size()]; }
  worker_thread& thread_for(std::size_t i) { return *threads[i % threads.size()]; }

  progress_fn on_progress;
  unsigned sources = 1;  ///< loopback source addresses connections rotate over
  std::atomic<std::uint64_t> connects{0};

  /// Runs every thread's io_context to completion, reporting progress meanwhile.
  void run() {
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
  tally merged() const {
    tally total;
    for (const auto& t : threads)
      total.merge(t->stats);
    return total;
  }
};

/// Waits (polling) until `done()` or the deadline.
template <class Done>
awaitable<void> wait_until(Done done, steady::time_point deadline) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!done() && steady::now() < deadline) {
    timer.expires_after(poll_interval);
    co_await timer.async_wait(with_error);
  }
}

awaitable<std::unique_ptr<ws_stream>> open_session(const tcp::endpoint& ep,
                                                   const std::string& token, tally& stats,
                                                   std::optional<asio::ip::address_v4> source) {
  auto ws = std::make_unique<ws_stream>(co_await asio::this_coro::executor);
  auto& tcp_layer = beast::get_lowest_layer(*ws);
  if (source) {
    // The port is picked at connect time (IP_BIND_ADDRESS_NO_PORT), per destination, so each
    // source address offers its full ephemeral range.
    using bind_no_port = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;
    beast::error_code bec;
    tcp_layer.socket().open(tcp::v4(), bec);
    if (!bec) {
      tcp_layer.socket().set_option(bind_no_port(true), bec);
    }
    if (!bec) {
      tcp_layer.socket().bind({*source, 0}, bec);
    }
    if (bec) {
      stats.error("bind: " + bec.message());
      co_return nullptr;
    }
  }
  tcp_layer.expires_after(std::chrono::seconds(30));
  auto [ec] = co_await tcp_layer.async_connect(ep, with_error);
  if (ec) {
    stats.error("connect: " + ec.message());
    co_return nullptr;
  }
  tcp_layer.socket().set_option(tcp::no_delay(true));
  auto [hec] =
      co_await ws->async_handshake(ep.address().to_string(), "/ws?token=" + token, with_error);
  if (hec) {
    stats.error("handshake: " + hec.message());
    co_return nullptr;
  }
  tcp_layer.expires_never();
  beast::flat_buffer hello;
  auto [rec, n] = co_await ws->async_read(hello, with_error);
  if (rec) {
    stats.error("hello: " + rec.message());
    co_return nullptr;
  }
  co_return ws;
}

/// Sends a frame and reads until the frame carrying `ref`; false (counted) on error replies.
awaitable<bool> call(ws_stream& ws, beast::flat_buffer& buf, const std::string& frame,
                     std::string_view ref_marker, tally& stats) {
  auto [wec, w] = co_await ws.async_write(asio::buffer(frame), with_error);
  if (wec) {
    stats.error("write: " + wec.message());
    co_return false;
  }
  for (;;) {
    buf.consume(buf.size());
    auto [ec, n] = co_await ws.async_read(buf, with_error);
    if (ec) {
      stats.error("read: " + ec.message());
      co_return false;
    }
    const std::string_view text(static_cast<const char*>(buf.data().data()), buf.size());
    if (text.find(ref_marker) == std::string_view::npos) {
      continue;
    }
    if (text.starts_with(R"({"type":"error")")) {
      const auto code = text.find(R"("code":")");
      stats.error("server: " +
                  std::string(code == std::string_view::npos
                                  ? text
                                  : text.substr(code + 8, text.find('"', code + 8) - code - 8)));
      co_return false;
    }
    co_return true;
  }
}

// ---------------------------------------------------------------------------------------------
// cycle

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

// ---------------------------------------------------------------------------------------------
// fanout

/// Shared between all threads of a fanout run.
struct fanout_state {
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> publishing_done{false};
  std::atomic<std::uint64_t> total_sent{0};
  std::unique_ptr<std::atomic<std::uint64_t>[]> sent_per_channel;
  std::atomic<unsigned> subscribers_done{0};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> lost{0};
  /// With --publisher-url: per publisher, the last sequence number its channel's first
  /// subscriber (the probe, on the subscribers' instance) has seen.
  std::unique_ptr<std::atomic<std::int64_t>[]> probe_seen;
  steady::time_point start;
};

/// Parses "p<publisher>:<seq>:<ns>" out of a message frame's text.
bool parse_payload(std::string_view frame, unsigned& pub, std::int64_t& seq, std::int64_t& ns) {
  const auto at = frame.find(R"("text":"p)");
  if (at == std::string_view::npos) {
    return false;
  }
  const char* p = frame.data() + at + 9;
  const char* end = frame.data() + frame.size();
  auto r1 = std::from_chars(p, end, pub);
  if (r1.ec != std::errc{} || r1.ptr == end || *r1.ptr != ':')
    return false;
  auto r2 = std::from_chars(r1.ptr + 1, end, seq);
  if (r2.ec != std::errc{} || r2.ptr == end || *r2.ptr != ':')
    return false;
  auto r3 = std::from_chars(r2.ptr + 1, end, ns);
  return r3.ec == std::errc{};
}

awaitable<void> subscriber(setup& s, fanout_state& f, std::size_t i, worker_thread& t) {
  const auto channel = i % s.opts.channels;
  const auto join = join_frame(fanout_channel(channel, s.opts.channels));
  auto ws = co_await open_session(s.endpoint_for(i), s.token_for(i), t.stats, s.next_source());
  beast::flat_buffer buf;
  if (!ws || !co_await call(*ws, buf, join, R"("ref":"j")", t.stats)) {
    ++f.ready;
    ++f.subscribers_done;
    co_return;
  }
  ++f.ready;
  std::vector<std::int64_t> last(s.opts.publishers, -1);
  std::uint64_t received = 0;
  const bool probe = s.publisher_endpoint && i < s.opts.channels;
  // Reading stops when every sent message has arrived, or at the drain deadline; a sibling
  // watchdog notices both (the first also when everything arrived before publishing ended, so
  // no further message will wake the reader) and closes the socket.
  bool finished = false;
  bool closed_by_watchdog = false;
  bool watchdog_done = false;  // the watchdog uses this frame's locals: wait for it before leaving
  const auto all_received = [&] {
    return f.publishing_done && received >= f.sent_per_channel[channel];
  };
  asio::co_spawn(
      co_await asio::this_coro::executor,
      [&]() -> awaitable<void> {
        co_await wait_until([&] { return finished || f.stop.load() || all_received(); },
                            steady::time_point::max());
        if (!finished) {
          closed_by_watchdog = true;
          // close(), not cancel(): a cancel misses a read that Beast has not started yet.
          beast::error_code ignored;
          beast::get_lowest_layer(*ws).socket().close(ignored);
        }
        watchdog_done = true;
      },
      asio::detached);
  while (!finished) {
    buf.consume(buf.size());
    auto [ec, n] = co_await ws->async_read(buf, with_error);
    if (ec) {
      if (!f.stop && !closed_by_watchdog)
        t.stats.error("subscriber read: " + ec.message());
      break;
    }
    const std::string_view text(static_cast<const char*>(buf.data().data()), buf.size());
    unsigned pub = 0;
    std::int64_t seq = 0;
    std::int64_t ns = 0;
    if (!text.starts_with(R"({"type":"message")") || !parse_payload(text, pub, seq, ns) ||
        pub >= last.size()) {
      continue;
    }
    t.stats.latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now_ns() - ns)) /
                           1000);
    ++t.stats.deliveries;
    if (seq == last[pub]) {
      ++t.stats.duplicated;
    } else if (seq < last[pub]) {
      ++t.stats.out_of_order;
    } else {
      ++received;
      last[pub] = seq;
      if (probe) {
        f.probe_seen[pub].store(seq, std::memory_order_relaxed);
      }
    }
    finished = all_received();
  }
  finished = true;
  if (f.publishing_done && received < f.sent_per_channel[channel]) {
    f.lost += f.sent_per_channel[channel] - received;
  }
  ++f.subscribers_done;
  co_await wait_until([&] { return watchdog_done; }, steady::time_point::max());
  beast::error_code ignored;
  beast::get_lowest_layer(*ws).socket().close(ignored);
}

/// Across instances our own echo comes back before the other instance has delivered: a
/// publisher's window is what the probe subscriber there has not seen yet (polled: it is on
/// another thread), or the publisher would outrun that instance until it dropped slow consumers.
awaitable<void> probe_caught_up(const fanout_state& f, unsigned id, std::int64_t next_seq,
                                unsigned window, const bool& reader_done,
                                steady::time_point deadline) {
  co_await wait_until(
      [&] { return next_seq - 1 - f.probe_seen[id].load() < window || reader_done; }, deadline);
}

awaitable<void> publisher(setup& s, fanout_state& f, unsigned id, worker_thread& t) {
  const auto& o = s.opts;
  const auto channel = fanout_channel(id, o.channels);
  const auto join = join_frame(channel);
  const auto& ep =
      s.publisher_endpoint ? *s.publisher_endpoint : s.endpoint_for(id + o.subscribers);
  auto ws = co_await open_session(ep, s.token_for(id), t.stats, s.next_source());
  beast::flat_buffer buf;
  if (!ws || !co_await call(*ws, buf, join, R"("ref":"j")", t.stats)) {
    ++f.ready;
    co_return;
  }
  ++f.ready;
  co_await wait_until([&] { return f.go.load(); }, steady::time_point::max());
  auto executor = co_await asio::this_coro::executor;
  std::uint64_t outstanding = 0;
  bool reader_done = false;
  const std::string own = "\"text\":\"p" + std::to_string(id) + ":";
  asio::steady_timer room(executor);
  // Echoes of our own messages free window slots.
  asio::co_spawn(
      executor,
      [&]() -> awaitable<void> {
        beast::flat_buffer in;
        for (;;) {
          in.consume(in.size());
          auto [ec, n] = co_await ws->async_read(in, with_error);
          if (ec)
            break;
          const std::string_view text(static_cast<const char*>(in.data().data()), in.size());
          if (text.find(own) != std::string_view::npos && outstanding > 0) {
            --outstanding;
            room.cancel();
          } else if (text.starts_with(R"({"type":"error")")) {
            t.stats.error("publisher: server error");
          }
        }
        reader_done = true;
        room.cancel();
      },
      asio::detached);

  const auto end = f.start + std::chrono::duration_cast<steady::duration>(
                                 std::chrono::duration<double>(o.duration_s));
  const auto interval = o.rate > 0 ? std::chrono::duration_cast<steady::duration>(
                                         std::chrono::duration<double>(1.0 / o.rate))
                                   : steady::duration::zero();
  auto next = f.start;
  asio::steady_timer pace(executor);
  std::string frame;
  std::int64_t seq = 0;
  while (steady::now() < end && !reader_done) {
    if (o.rate > 0) {
      pace.expires_at(next);
      co_await pace.async_wait(with_error);
      next += interval;
    }
    while (outstanding >= o.window && !reader_done) {
      room.expires_after(std::chrono::seconds(10));
      co_await room.async_wait(with_error);
    }
    if (s.publisher_endpoint) {
      co_await probe_caught_up(f, id, seq, o.window, reader_done, end + drain_timeout);
    }
    frame = R"({"type":"send","channel":")" + channel + R"(","text":"p)" + std::to_string(id) +
            ":" + std::to_string(seq) + ":" + std::to_string(now_ns()) + R"("})";
    auto [ec, n] = co_await ws->async_write(asio::buffer(frame), with_error);
    if (ec) {
      t.stats.error("publisher write: " + ec.message());
      break;
    }
    ++outstanding;
    ++seq;
    ++t.stats.sent;
  }
  f.total_sent += static_cast<std::uint64_t>(seq);
  f.sent_per_channel[id % o.channels] += static_cast<std::uint64_t>(seq);
  // Let the last echoes arrive, then leave.
  co_await wait_until([&] { return outstanding == 0 || reader_done; },
                      steady::now() + drain_timeout);
  co_await wait_until([&] { return f.stop.load(); }, steady::time_point::max());
  beast::error_code ignored;
  beast::get_lowest_layer(*ws).socket().close(ignored);
  // The echo reader uses this frame's locals: it ends once the socket is closed.
  co_await wait_until([&] { return reader_done; }, steady::time_point::max());
}

result run_fanout(setup& s) {
  const auto& o = s.opts;
  fanout_state f;
  f.sent_per_channel = std::make_unique<std::atomic<std::uint64_t>[]>(o.channels);
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
        // Publishers add their counts as they stop; give them a moment past the end.
        co_await wait_until([] { return false; }, steady::now() + std::chrono::milliseconds(50));
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

// ---------------------------------------------------------------------------------------------
// connections

awaitable<void> hold_session(std::shared_ptr<ws_stream> ws, std::atomic<bool>& stop) {
  // Reading answers the server's pings; a cancellation from the conductor ends it.
  beast::flat_buffer buf;
  while (!stop) {
    auto [ec, n] = co_await ws->async_read(buf, with_error);
    if (ec)
      break;
    buf.consume(buf.size());
  }
  beast::error_code ignored;
  beast::get_lowest_layer(*ws).socket().close(ignored);
}

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
              beast::error_code ignored;
              beast::get_lowest_layer(*ws).socket().close(ignored);
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

}  // namespace

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
  for (const auto& u : o.urls) {
    s.endpoints.push_back(*resolver.resolve(u.host, std::to_string(u.port)).begin());
  }
  if (o.publisher_url) {
    s.publisher_endpoint =
        *resolver.resolve(o.publisher_url->host, std::to_string(o.publisher_url->port)).begin();
  }
  s.sources = source_addresses_needed(s.endpoints.front().address(), planned_connections(o),
                                      ephemeral_ports(), o.source_addresses);
  for (unsigned i = 0; i < o.threads; ++i) {
    s.threads.push_back(std::make_unique<worker_thread>());
  }
  switch (o.kind) {
    case scenario::cycle:
      return run_cycle(s);
    case scenario::fanout:
      return run_fanout(s);
    case scenario::connections:
      return run_connections(s);
  }
  return {};
}

}  // namespace parley::bench
