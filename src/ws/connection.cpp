#include "parley/ws/connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <array>

#include "parley/util/with_error.hpp"

namespace parley::ws {
namespace asio = boost::asio;
using asio::awaitable;
using util::with_error;

namespace {

/// Bytes read in one go; shared by every connection of the thread, so an idle connection
/// holds no read buffer.
constexpr std::size_t scratch_size = 64 * 1024;
/// A buffer this size or smaller is kept for reuse once empty; a bigger one is released.
constexpr std::size_t kept_capacity = 4096;
/// Decrypted bytes taken per TLS read; OpenSSL keeps the rest of a record for the next.
constexpr std::size_t tls_read_size = 4096;

char* scratch() {
  thread_local std::array<char, scratch_size> buffer;
  return buffer.data();
}

void release_if_big(std::string& s) {
  if (s.empty() && s.capacity() > kept_capacity) {
    std::string().swap(s);
  }
}

}  // namespace

connection::connection(transport over, limits lim, std::string leftover)
    : socket_(std::move(over.socket)),
      tls_(std::move(over.tls)),
      limits_(lim),
      reader_(lim.max_message),
      inbuf_(std::move(leftover)),
      timer_(socket_.get_executor()) {
  if (tls_) {
    tls_->next_layer().expires_never();  // the HTTP deadline ends here; idle ticks take over
    tls_in_ = std::make_unique<char[]>(tls_read_size);
  } else if (!socket_
                  .non_blocking()) {  // the listener sets it at accept; this is for other callers
    boost::system::error_code ignored;
    socket_.non_blocking(true, ignored);
  }
}

void connection::accept(std::string answer) {
  pending_ = std::move(answer);
  schedule_flush();
  last_heard_ = clock::now();
  arm_idle_tick();
}

awaitable<bool> connection::receive() {
  if (tls_) {
    auto [ec, n] =
        co_await tls_->async_read_some(asio::buffer(tls_in_.get(), tls_read_size), with_error);
    if (ec) {
      co_return false;
    }
    last_heard_ = clock::now();
    ping_outstanding_ = false;
    inbuf_.append(tls_in_.get(), n);
    co_return true;
  }
  for (;;) {
    if (drained_) {
      // The last read emptied the socket: wait first rather than pay for a read that fails.
      auto [wait_ec] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, with_error);
      if (wait_ec) {
        co_return false;
      }
    }
    boost::system::error_code ec;
    const auto n = socket_.read_some(asio::buffer(scratch(), scratch_size), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      drained_ = true;
      continue;
    }
    if (ec) {
      co_return false;
    }
    drained_ = n < scratch_size;
    last_heard_ = clock::now();
    ping_outstanding_ = false;
    inbuf_.append(scratch(), n);
    co_return true;
  }
}

awaitable<std::optional<std::string_view>> connection::read() {
  if (!reading_) {
    // The owner kept us from reading while it handled the last message: that silence was ours.
    reading_ = true;
    last_heard_ = clock::now();
  }
  for (;;) {
    for (;;) {
      const auto e = reader_.next({inbuf_.data() + decoded_, inbuf_.size() - decoded_});
      decoded_ += e.consumed;
      switch (e.what) {
        case frame_event::kind::incomplete:
          break;
        case frame_event::kind::text:
          if (!close_sent_) {
            reading_ = false;
            co_return e.payload;
          }
          continue;
        case frame_event::kind::binary:
          close(close_code::unknown_data, "binary frames are not accepted");
          continue;
        case frame_event::kind::ping:
          if (!close_sent_) {
            append_frame(pending_, opcode::pong, e.payload);
            schedule_flush();
          }
          continue;
        case frame_event::kind::pong:
          continue;
        case frame_event::kind::close:
          peer_closed_ = true;
          if (!close_sent_) {
            close_sent_ = true;  // the echo; the deadline comes with finish()
            append_close(pending_, e.code == 1005 ? close_code::normal : e.code, {});
            schedule_flush();
          }
          co_return std::nullopt;
        case frame_event::kind::error:
          close(e.code, e.payload);
          co_return std::nullopt;
      }
      if (e.consumed == 0) {
        break;
      }
    }
    if (failed_) {
      co_return std::nullopt;
    }
    // Decoded bytes go only now, once per read from the socket rather than once per message.
    inbuf_.erase(0, decoded_);
    decoded_ = 0;
    release_if_big(inbuf_);
    auto receiving = receive();
    if (!co_await std::move(receiving)) {
      failed_ = true;
      co_return std::nullopt;
    }
  }
}

void connection::send_text(std::string_view payload) {
  if (close_sent_ || failed_) {
    return;
  }
  append_frame(pending_, opcode::text, payload);
  schedule_flush();
}

void connection::send_text(std::string_view payload, std::chrono::steady_clock::time_point mark) {
  if (close_sent_ || failed_) {
    return;
  }
  pending_marks_.push_back(mark);
  send_text(payload);
}

void connection::close(std::uint16_t code, std::string_view reason) {
  if (close_sent_ || failed_) {
    return;
  }
  close_sent_ = true;
  append_close(pending_, code, reason);
  schedule_flush();
  arm_deadline();
}

void connection::schedule_flush() {
  if (flush_scheduled_ || write_in_flight_) {
    return;  // the write in flight flushes the rest when it completes
  }
  flush_scheduled_ = true;
  // Posted, so every frame queued in this turn of the event loop shares one write.
  asio::post(socket_.get_executor(), [this, self = keep_alive()] {
    flush_scheduled_ = false;
    flush();
  });
}

void connection::flush() {
  if (write_in_flight_ || failed_ || pending_.empty()) {
    return;
  }
  std::swap(pending_, writing_);
  std::swap(pending_marks_, writing_marks_);
  write_in_flight_ = true;
  auto written = [this, self = keep_alive()](boost::system::error_code ec, std::size_t) {
    write_in_flight_ = false;
    writing_.clear();
    release_if_big(writing_);
    if (!ec && !writing_marks_.empty() && on_written_) {
      on_written_(writing_marks_);
    }
    writing_marks_.clear();
    if (ec) {
      failed_ = true;
      abort();
    } else {
      flush();
    }
    if (room_waiter_) {
      room_->cancel();
    }
  };
  if (tls_) {
    asio::async_write(*tls_, asio::buffer(writing_), std::move(written));
  } else {
    asio::async_write(socket_, asio::buffer(writing_), std::move(written));
  }
}

awaitable<void> connection::wait_until_queued_at_most(std::size_t bytes) {
  while (!failed_ && queued_bytes() > bytes) {
    if (!room_) {
      room_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
    }
    room_waiter_ = true;
    room_->expires_at(asio::steady_timer::time_point::max());
    auto waiting = room_->async_wait(with_error);
    co_await std::move(waiting);  // woken by a completed write or by abort()
  }
  room_waiter_ = false;
}

awaitable<void> connection::finish() {
  if (!failed_) {
    arm_deadline();
    auto writing = wait_until_queued_at_most(0);
    co_await std::move(writing);
  }
  if (!failed_ && !peer_closed_) {
    // We closed first: the peer's close frame is still to come. (After the peer's close and our
    // echo there is nothing left to read, and the server closes TCP first, as RFC 6455 asks.)
    boost::system::error_code ignored;
    tcp_socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    // Until the peer closes its side too, so it reads our close frame before any reset.
    for (;;) {
      inbuf_.clear();
      auto receiving = receive();
      if (!co_await std::move(receiving)) {
        break;
      }
    }
  }
  abort();
  timer_.cancel();
  room_.reset();
  std::string().swap(inbuf_);
  std::string().swap(pending_);
  decltype(pending_marks_)().swap(pending_marks_);
}

void connection::abort() {
  failed_ = true;
  boost::system::error_code ignored;
  tcp_socket().close(ignored);
  if (room_waiter_) {
    room_->cancel();
  }
}

void connection::arm_idle_tick() {
  // Due when the peer will have been silent for half the timeout (ping) or all of it (drop);
  // anything heard meanwhile moves last_heard_, and the tick then only re-arms.
  const auto half = std::chrono::duration_cast<clock::duration>(limits_.idle_timeout) / 2;
  timer_.expires_at(last_heard_ + (ping_outstanding_ ? 2 * half : half));
  timer_.async_wait([this, weak = owner_, half](boost::system::error_code ec) {
    const auto self = weak.lock();
    if (ec || !self || close_sent_ || failed_) {
      return;
    }
    if (!reading_) {
      // The owner is still handling a message (a stalled store, say): the peer's pongs wait
      // unread in the socket, so silence proves nothing yet.
      last_heard_ = clock::now();
      arm_idle_tick();
      return;
    }
    const auto silent = clock::now() - last_heard_;
    if (silent >= 2 * half) {
      abort();  // silent for the whole idle timeout: the peer is gone
      return;
    }
    if (silent >= half && !ping_outstanding_) {
      ping_outstanding_ = true;
      append_frame(pending_, opcode::ping, {});
      schedule_flush();
    }
    arm_idle_tick();
  });
}

void connection::arm_deadline() {
  timer_.expires_after(limits_.close_deadline);
  timer_.async_wait([this, weak = owner_](boost::system::error_code ec) {
    if (const auto self = weak.lock(); self && !ec) {
      abort();
    }
  });
}

}  // namespace parley::ws
