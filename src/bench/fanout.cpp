#include "parley/bench/scenario_setup.hpp"
#include "parley/bench/session.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <charconv>
#include <memory>

#include "parley/util/with_error.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using util::with_error;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto drain_timeout = std::chrono::seconds(5);

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

/// Shared between all threads of a fanout run.
struct fanout_state {
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> publishing_done{false};  ///< every publisher stopped and added its count
  std::atomic<unsigned> publishers_done{0};
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
  ++f.publishers_done;
  // Let the last echoes arrive, then leave.
  co_await wait_until([&] { return outstanding == 0 || reader_done; },
                      steady::now() + drain_timeout);
  co_await wait_until([&] { return f.stop.load(); }, steady::time_point::max());
  beast::error_code ignored;
  beast::get_lowest_layer(*ws).socket().close(ignored);
  // The echo reader uses this frame's locals: it ends once the socket is closed.
  co_await wait_until([&] { return reader_done; }, steady::time_point::max());
}

}  // namespace

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
