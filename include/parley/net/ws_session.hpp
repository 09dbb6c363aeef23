#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "parley/auth/jwt.hpp"
#include "parley/chat/rate_limiter.hpp"
#include "parley/chat/session_sink.hpp"
#include "parley/http/responses.hpp"
#include "parley/net/connection_registry.hpp"
#include "parley/proto/client_frame.hpp"
#include "parley/net/services.hpp"
#include "parley/store/channels.hpp"
#include "parley/ws/connection.hpp"

namespace parley::net {

/// Largest client message; a bigger one closes the connection with 1009.
inline constexpr std::size_t max_ws_message_bytes = 64 * 1024;
/// How long a close we decided on may wait for a peer that does not read before the socket is
/// torn down.
inline constexpr std::chrono::seconds close_deadline{5};
/// Messages read per history chunk while replaying `join` with `since`.
inline constexpr int replay_chunk = 500;

/// One authenticated WebSocket connection on one I/O thread. A reader coroutine parses frames
/// and runs commands one at a time; frames for the client (encoded once, shared by every
/// recipient) are copied into the connection's output, which writes everything queued in one
/// go. Over the queue bound the session is closed as a slow consumer (1008).
class ws_session : public chat::session_sink, public std::enable_shared_from_this<ws_session> {
 public:
  /// `leftover`: bytes the client sent after its upgrade request.
  ws_session(boost::asio::ip::tcp::socket socket, std::string leftover, std::size_t thread,
             services& svc, connection_registry& connections, auth::claims user);

  /// Writes the 101 answer and runs the session.
  void start(http::response switching);

  std::uint64_t session_id() const override { return id_; }
  std::int64_t user_id() const override { return user_.user_id; }
  void deliver_message(const std::string& channel, std::int64_t id,
                       const chat::shared_frame& frame) override;
  void deliver(const chat::shared_frame& frame) override;

 private:
  /// What this session knows about a channel it has joined.
  struct joined_channel {
    std::int64_t channel_id = 0;
    bool replaying = false;
    std::int64_t delivered_up_to = 0;  ///< highest message id queued for the client
    std::int64_t first_live_id = 0;    ///< first id received live in this subscription
    std::vector<std::pair<std::int64_t, chat::shared_frame>> held;  ///< live, during a replay
  };

  boost::asio::awaitable<void> run(http::response switching);
  boost::asio::awaitable<void> handle_frame(std::string_view text);
  boost::asio::awaitable<void> wait_for_room();

  // One per command; each sends exactly one direct reply (or an error) carrying `ref`.
  boost::asio::awaitable<void> on_join(proto::join_cmd& c, const std::optional<std::string>& ref);
  void on_leave(const proto::leave_cmd& c, const std::optional<std::string>& ref);
  boost::asio::awaitable<void> on_create(proto::create_cmd& c,
                                         const std::optional<std::string>& ref);
  boost::asio::awaitable<void> on_invite(proto::invite_cmd& c,
                                         const std::optional<std::string>& ref);
  boost::asio::awaitable<void> on_send(proto::send_cmd& c, const std::optional<std::string>& ref);
  boost::asio::awaitable<void> on_history(proto::history_cmd& c,
                                          const std::optional<std::string>& ref);
  boost::asio::awaitable<void> on_seen(proto::seen_cmd& c, const std::optional<std::string>& ref);
  void on_typing(const proto::typing_cmd& c, const std::optional<std::string>& ref);
  boost::asio::awaitable<void> on_presence(proto::presence_cmd& c,
                                           const std::optional<std::string>& ref);
  boost::asio::awaitable<void> on_channels(const std::optional<std::string>& ref);

  /// Replays stored messages after `after` (and before `stop_before`, 0 = no limit), then
  /// releases what arrived live meanwhile.
  boost::asio::awaitable<void> replay(const std::string& channel, std::int64_t after,
                                      std::int64_t stop_before);
  /// Ends holding live messages of a channel (replay done, or `joined` sent): queues the held
  /// ones beyond `delivered_up_to`.
  void release_held(const std::string& channel, std::int64_t delivered_up_to);
  /// In a cluster: until this instance hears the channel's topic (bus::channel_ready).
  boost::asio::awaitable<void> await_channel_topic(const std::string& channel);
  /// Queues a message for this session after the replay/duplicate checks.
  void queue_message(joined_channel& state, std::int64_t id, const chat::shared_frame& frame);

  void send(std::string frame);
  void send_error(error::code code, std::string_view message, const std::optional<std::string>& ref);
  void enqueue(chat::shared_frame frame);
  /// Closes with `code`/`reason` once what is queued before it is written.
  void close(std::uint16_t code, std::string_view reason);

  ws::connection conn_;
  std::size_t thread_;
  services& svc_;
  connection_registry& connections_;
  auth::claims user_;
  std::uint64_t id_;
  chat::rate_limiter limiter_;

  bool open_ = false;

  std::unordered_map<std::string, joined_channel> joined_;
  /// DM channels already resolved, by the peer's lower-cased name: (channel, peer id).
  std::unordered_map<std::string, std::pair<model::channel_row, std::int64_t>> direct_;
};

/// What try_upgrade did with a request.
enum class upgrade_result { not_an_upgrade, rejected, upgraded };

/// Hands `stream` to a new ws_session when `req` is an authenticated, well-formed WebSocket
/// upgrade on /ws (the stream is then moved from); `leftover` is what was read past the request.
/// `rejected`: answer `rejection` (401, 400 or 426) instead.
upgrade_result try_upgrade(boost::beast::tcp_stream& stream, std::string_view leftover,
                           http::request& req, std::size_t thread, services& svc,
                           connection_registry& connections,
                           std::optional<http::response>& rejection);

}  // namespace parley::net
