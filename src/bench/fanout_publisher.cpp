#include "parley/bench/fanout.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>

#include "parley/util/with_error.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using util::with_error;
using steady = std::chrono::steady_clock;

namespace {

/// Across instances our own echo comes back before the other instance has delivered: a
/// publisher's window is what the probe subscriber there has not seen yet (polled: it is on
/// another thread), or the publisher would outrun that instance until it dropped slow consumers.
awaitable<void> probe_caught_up(const fanout_state& f, unsigned id, std::int64_t next_seq,
                                unsigned window, const bool& reader_done,
                                steady::time_point deadline) {
  co_await wait_until(
      [&] { return next_seq - 1 - f.probe_seen[id].load() < window || reader_done; }, deadline);
}

/// A frame our publisher connection read: every message moves `last_id` (where a rejoin resumes);
/// our own message coming back is its acknowledgement. True for our own.
bool on_publisher_frame(std::string_view text, unsigned id, send_window& window,
                        std::int64_t& last_id) {
  if (!text.starts_with(R"({"type":"message")")) {
    return false;
  }
  std::int64_t message_id = 0;
  if (parse_message_id(text, message_id)) {
    last_id = std::max(last_id, message_id);
  }
  unsigned pub = 0;
  std::int64_t seq = 0;
  std::int64_t ns = 0;
  if (!parse_payload(text, pub, seq, ns) || pub != id) {
    return false;
  }
  window.acknowledged(seq);
  return true;
}

/// After a rejoin with `since`: reads the catch-up, in which our messages that were stored but
/// whose echo the drop swallowed come back (so they are not sent twice), up to the answer to a
/// ping sent after the join, which the server handles once the catch-up is queued.
awaitable<bool> catch_up(ws_stream& ws, beast::flat_buffer& buf, unsigned id, send_window& window,
                         std::int64_t& last_id) {
  // A drop here is the restart going on, not an error of the run (as in rejoin).
  tally attempt;
  co_return co_await call(
      ws, buf, R"({"type":"ping","ref":"r"})", R"("ref":"r")", attempt,
      [&](std::string_view text) { on_publisher_frame(text, id, window, last_id); });
}

}  // namespace

awaitable<void> publisher(setup& s, fanout_state& f, unsigned id, worker_thread& t) {
  const auto& o = s.opts;
  const auto channel = fanout_channel(id, o.channels);
  const auto& ep =
      s.publisher_endpoint ? *s.publisher_endpoint : s.endpoint_for(id + o.subscribers);
  auto ws = co_await open_session(ep, s.token_for(id), t.stats, s.next_source());
  beast::flat_buffer buf;
  std::int64_t last_id = 0;
  if (!ws || !co_await join_at_end(*ws, buf, channel, last_id, t.stats)) {
    ++f.ready;
    co_return;
  }
  ++f.ready;
  co_await wait_until([&] { return f.go.load(); }, steady::time_point::max());
  auto executor = co_await asio::this_coro::executor;
  send_window window;
  bool reader_done = true;
  asio::steady_timer room(executor);
  // Echoes of our own messages free window slots; the reader ends with its connection.
  const auto start_reader = [&] {
    reader_done = false;
    asio::co_spawn(
        executor,
        [&]() -> awaitable<void> {
          beast::flat_buffer in;
          for (;;) {
            in.consume(in.size());
            auto [ec, n] = co_await ws->async_read(in, with_error);
            if (ec)
              break;
            const auto text = frame_text(in);
            if (on_publisher_frame(text, id, window, last_id)) {
              room.cancel();
            } else if (text.starts_with(R"({"type":"error")")) {
              t.stats.error("publisher: server error");
            }
          }
          reader_done = true;
          room.cancel();
        },
        asio::detached);
  };
  start_reader();

  const auto end = f.start + std::chrono::duration_cast<steady::duration>(
                                 std::chrono::duration<double>(o.duration_s));
  const auto give_up_at = end + drain_timeout;
  const auto interval = o.rate > 0 ? std::chrono::duration_cast<steady::duration>(
                                         std::chrono::duration<double>(1.0 / o.rate))
                                   : steady::duration::zero();
  auto next = f.start;
  asio::steady_timer pace(executor);
  std::string frame;
  std::int64_t seq = 0;
  bool counted = false;
  // Subscribers compare against these counts once every publisher has added its own.
  const auto stop_sending = [&] {
    if (!counted) {
      counted = true;
      f.total_sent += static_cast<std::uint64_t>(seq);
      f.sent_per_channel[id % o.channels] += static_cast<std::uint64_t>(seq);
      f.sent_per_publisher[id] = static_cast<std::uint64_t>(seq);
      ++f.publishers_done;
    }
  };
  auto delays = reconnect_backoff();
  const std::function<bool()> give_up = [&] { return steady::now() >= give_up_at; };
  for (;;) {
    if (reader_done) {
      // The connection dropped: rejoin after the last message seen, take what the catch-up
      // shows was stored as acknowledged, and send the rest again (same text, same number).
      close_socket(ws.get());
      ws = co_await rejoin(s, ep, s.token_for(id), join_frame(channel, last_id), buf, delays,
                           give_up);
      if (!ws) {
        break;
      }
      ++t.stats.reconnects;
      if (!co_await catch_up(*ws, buf, id, window, last_id)) {
        continue;
      }
      bool written = true;
      for (const auto& e : window.unacked()) {
        auto [ec, n] = co_await ws->async_write(asio::buffer(e.frame), with_error);
        if (ec) {
          written = false;
          break;
        }
      }
      if (written) {
        start_reader();
      }
      continue;
    }
    if (steady::now() >= end) {
      stop_sending();
      if (window.outstanding() == 0 || give_up()) {
        break;
      }
      co_await wait_until([&] { return window.outstanding() == 0 || reader_done; }, give_up_at);
      continue;
    }
    if (o.rate > 0) {
      pace.expires_at(next);
      co_await pace.async_wait(with_error);
      next += interval;
    }
    while (window.outstanding() >= o.window && !reader_done) {
      room.expires_after(std::chrono::seconds(10));
      co_await room.async_wait(with_error);
    }
    if (reader_done) {
      continue;
    }
    if (s.publisher_endpoint) {
      co_await probe_caught_up(f, id, seq, o.window, reader_done, give_up_at);
    }
    frame = R"({"type":"send","channel":")" + channel + R"(","text":"p)" + std::to_string(id) +
            ":" + std::to_string(seq) + ":" + std::to_string(now_ns()) + R"("})";
    window.sent(seq, frame);
    ++seq;
    ++t.stats.sent;
    auto [ec, n] = co_await ws->async_write(asio::buffer(frame), with_error);
    if (ec) {
      // Resent after the reconnect that the reader's end brings.
      close_socket(ws.get());
      co_await wait_until([&] { return reader_done; }, steady::time_point::max());
    }
  }
  stop_sending();
  co_await wait_until([&] { return f.stop.load(); }, steady::time_point::max());
  close_socket(ws.get());
  // The echo reader uses this frame's locals: it ends once the socket is closed.
  co_await wait_until([&] { return reader_done; }, steady::time_point::max());
}

}  // namespace parley::bench
