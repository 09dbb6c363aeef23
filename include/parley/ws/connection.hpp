#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parley/tls/stream.hpp"
#include "parley/ws/frame.hpp"

namespace parley::ws {

/// What a connection runs over: the TCP socket, or a TLS stream (then `socket` is only its
/// executor's placeholder).
struct transport {
  boost::asio::ip::tcp::socket socket;
  std::unique_ptr<tls::stream> tls;
};

/// The server side of one WebSocket connection after the HTTP upgrade, on one I/O thread.
///
/// Why not Beast's websocket::stream: a chat fan-out writes many small frames to many sessions,
/// and Beast writes each message with its own `async_write` (one syscall, one composed
/// operation) and keeps a 4 KiB read buffer inside every stream. Here every frame queued while a
/// write is in flight, including the pongs and pings the connection sends itself, goes out in
/// the next single write; an idle plain connection holds no read or write buffer at all (bytes
/// are read into a per-thread scratch buffer and only an unfinished frame is kept). Over TLS,
/// OpenSSL and Asio's TLS stream keep buffers of their own and reads go through a small
/// per-connection buffer.
///
/// Text messages only: a binary message closes the connection with 1003. Pings are answered,
/// a connection silent for half the idle timeout is pinged and one silent for the whole of it is
/// dropped. Every method runs on the connection's thread.
class connection {
 public:
  struct limits {
    std::size_t max_message = 64 * 1024;  ///< a bigger message closes with 1009
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds close_deadline{5};  ///< how long our close waits for the peer's
  };

  /// `leftover`: bytes read past the upgrade request, if any.
  connection(transport over, limits lim, std::string leftover);

  boost::asio::any_io_executor get_executor() { return socket_.get_executor(); }

  /// Asynchronous operations keep the owner alive until they complete.
  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

  /// Queues the handshake's 101 answer (bytes); it goes out with the first frames, in one write.
  /// The connection is open from here on.
  void accept(std::string answer);

  /// The next text message (valid until the next call). nullopt once the connection is over:
  /// the close handshake finished, the socket failed, or the peer broke the protocol (it is
  /// closed with the matching code). Messages arriving after our close are discarded.
  boost::asio::awaitable<std::optional<std::string_view>> read();

  /// Queues a text frame; it goes out with everything else queued, in order.
  void send_text(std::string_view payload);
  /// The same, remembering `mark` (the caller's timestamp) until the write that carries the
  /// frame completes: each completed write hands its marks to the on_written callback.
  void send_text(std::string_view payload, std::chrono::steady_clock::time_point mark);
  using written_callback =
      std::function<void(std::span<const std::chrono::steady_clock::time_point>)>;
  void on_written(written_callback callback) { on_written_ = std::move(callback); }
  /// Bytes queued and not yet written.
  std::size_t queued_bytes() const { return pending_.size() + writing_.size(); }
  /// Forgets the frames not yet handed to the socket (a slow consumer's backlog).
  void drop_unsent() {
    pending_.clear();
    pending_marks_.clear();
  }
  /// Queues a close frame after what is queued; nothing is sent after it. The socket is shut
  /// down when the peer answers, or after the close deadline.
  void close(std::uint16_t code, std::string_view reason);
  /// True from our close (or the peer's) on: sending has ended.
  bool closing() const { return close_sent_; }
  /// Waits until at most `bytes` are queued (or the socket failed).
  boost::asio::awaitable<void> wait_until_queued_at_most(std::size_t bytes);
  /// Call once read() returned nullopt: writes what is queued (the close frame), shuts the
  /// sending side, reads until the peer closes too, then closes the socket; at most the close
  /// deadline.
  boost::asio::awaitable<void> finish();

 private:
  /// Reads what the socket has into inbuf_ (waiting for it when there is nothing); false on
  /// end of stream or error.
  boost::asio::awaitable<bool> receive();
  void schedule_flush();
  void flush();
  void arm_idle_tick();
  void arm_deadline();
  void abort();
  std::shared_ptr<void> keep_alive() const { return owner_.lock(); }

  /// The plain path reads the socket directly; TLS reads and writes through the stream.
  boost::asio::ip::tcp::socket& tcp_socket() {
    return tls_ ? tls_->next_layer().socket() : socket_;
  }

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<tls::stream> tls_;
  /// TLS only: decrypted bytes land here, per connection, because an asynchronous read may not
  /// use the thread's shared scratch buffer.
  std::unique_ptr<char[]> tls_in_;
  limits limits_;
  std::weak_ptr<void> owner_;
  frame_reader reader_;
  std::string inbuf_;        ///< received bytes not yet decoded (an unfinished frame)
  std::size_t decoded_ = 0;  ///< bytes at the front of inbuf_ already decoded
  std::string pending_;      ///< frames queued while a write is in flight
  std::string writing_;      ///< the write in flight
  std::vector<std::chrono::steady_clock::time_point> pending_marks_;  ///< of frames in pending_
  std::vector<std::chrono::steady_clock::time_point> writing_marks_;  ///< of frames in writing_
  written_callback on_written_;
  /// The last read left the socket empty, so the next one waits first. True from the start:
  /// after the upgrade the client speaks only once it has our answer. Waiting is always safe:
  /// Asio's async_wait re-arms epoll (EPOLL_CTL_MOD), which reports data that came meanwhile.
  bool drained_ = true;
  bool flush_scheduled_ = false;
  bool write_in_flight_ = false;
  bool close_sent_ = false;
  bool peer_closed_ = false;  ///< the peer's close frame arrived
  bool failed_ = false;
  using clock = boost::asio::steady_timer::clock_type;
  clock::time_point last_heard_{};  ///< when the peer last sent anything
  bool ping_outstanding_ = false;   ///< pinged since last_heard_
  /// False from a message handed to the owner until the owner asks for the next one.
  bool reading_ = true;
  boost::asio::steady_timer timer_;  ///< idle ticks, then the close deadline
  /// Wakes wait_until_queued_at_most; made on first use, as most sessions never wait.
  std::unique_ptr<boost::asio::steady_timer> room_;
  bool room_waiter_ = false;
};

}  // namespace parley::ws
