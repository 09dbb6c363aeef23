#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/config/redis_url.hpp"

struct redisAsyncContext;
struct redisReply;

namespace parley::redis {

/// A reply reduced to what parley reads: nullopt when the command failed or the connection
/// went away before the reply; otherwise the reply's string (or integer as text), empty for
/// other types, with `error` set for a Redis error reply.
struct reply {
  std::string text;
  bool error = false;
};

/// Our own limits on a connection (hiredis's async API has none).
struct timeouts {
  std::chrono::milliseconds connect{2000};  ///< TCP connect, AUTH and SELECT
  std::chrono::milliseconds command{3000};  ///< any one reply
};

/// One hiredis asynchronous connection driven by an Asio io_context: hiredis's read/write
/// interest is mapped onto waits on its socket, so no extra thread and no polling. Every method
/// must be called on the context's (single) thread.
///
/// Timeouts are our own: connecting (including AUTH and SELECT) must finish within
/// `connect_timeout`, and no command may wait longer than `command_timeout` for its reply; either
/// breach drops the connection, which is reported once through `on_down`.
class connection {
 public:
  using reply_fn = std::function<void(std::optional<reply>)>;
  /// A pub/sub message: topic and payload.
  using message_fn = std::function<void(std::string_view, std::string_view)>;

  connection(boost::asio::io_context& ctx, config::redis_url url, timeouts limits = {});
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// Connects, authenticates and selects the database. `on_ready(true)` once usable,
  /// `on_ready(false)` if that failed; after a success, `on_down(reason)` fires once if the
  /// connection is lost or closed by a timeout.
  void open(std::function<void(bool)> on_ready, std::function<void(std::string)> on_down);
  /// True between a successful open() and the loss of the connection.
  bool ready() const { return ready_; }
  /// Drops the connection (pending callbacks get nullopt); on_down is not called.
  void close();

  /// Sends a command; `done` (optional) gets the reply. Returns false when not connected.
  bool command(const std::vector<std::string_view>& args, reply_fn done = {});
  /// Commands sent and not yet answered.
  std::size_t in_flight() const { return pending_.size(); }

  /// Subscribed-mode messages go to `on_message`; set before the first subscribe().
  void on_message(message_fn fn) { on_message_ = std::move(fn); }
  /// Called with each topic whose SUBSCRIBE Redis has confirmed.
  void on_subscribed(std::function<void(std::string_view)> fn) { on_subscribed_ = std::move(fn); }
  /// SUBSCRIBE / UNSUBSCRIBE one topic. Returns false when not connected.
  bool subscribe(const std::string& topic);
  bool unsubscribe(const std::string& topic);

 private:
  struct watcher;
  static void on_connected(const redisAsyncContext* ac, int status);
  static void on_disconnected(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* r, void* privdata);
  static void on_subscription(redisAsyncContext* ac, void* r, void* privdata);
  void handshake();
  void lost(std::string reason);
  void check_deadlines();
  void arm_deadline_timer();

  boost::asio::io_context& ctx_;
  config::redis_url url_;
  timeouts limits_;
  redisAsyncContext* ac_ = nullptr;
  bool ready_ = false;
  bool closing_ = false;
  std::function<void(bool)> on_ready_;
  std::function<void(std::string)> on_down_;
  message_fn on_message_;
  std::function<void(std::string_view)> on_subscribed_;
  /// Send times of commands awaiting a reply, oldest first (Redis answers in order).
  std::deque<std::chrono::steady_clock::time_point> pending_;
  std::chrono::steady_clock::time_point connect_started_;
  boost::asio::steady_timer deadline_timer_;
  bool timer_armed_ = false;
};

}  // namespace parley::redis
