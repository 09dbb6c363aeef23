#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>

#include "parley/auth/jwt.hpp"
#include "parley/chat/session.hpp"
#include "parley/chat/session_output.hpp"
#include "parley/http/responses.hpp"
#include "parley/net/connection_registry.hpp"
#include "parley/net/http_stream.hpp"
#include "parley/net/services.hpp"
#include "parley/ws/connection.hpp"

namespace parley::net {

/// Largest client message; a bigger one closes the connection with 1009.
inline constexpr std::size_t max_ws_message_bytes = 64 * 1024;
/// How long a close we decided on may wait for a peer that does not read before the socket is
/// torn down.
inline constexpr std::chrono::seconds close_deadline{5};

/// The transport of one authenticated WebSocket session on one I/O thread: a reader coroutine
/// reads and parses frames and hands them to the session's chat logic (chat::session) one at a
/// time; frames for the client (encoded once, shared by every recipient) are copied into the
/// connection's output, which writes everything queued in one go. Over the queue bound the
/// session is closed as a slow consumer (1008).
class ws_session final : public chat::session_output,
                         public std::enable_shared_from_this<ws_session> {
 public:
  /// `leftover`: bytes the client sent after its upgrade request; `registration`: the
  /// connection's id in `connections`, taken over from its HTTP session.
  ws_session(ws::transport over, std::string leftover, std::size_t thread, services& svc,
             connection_registry& connections, std::uint64_t registration, auth::claims user);
  ~ws_session() override;

  /// Writes the 101 answer and runs the session.
  void start(std::string switching);

  void send(const chat::shared_frame& frame) override;
  void send_committed(const chat::shared_frame& frame,
                      std::chrono::steady_clock::time_point committed_at) override;
  boost::asio::awaitable<void> wait_for_room() override;
  bool is_open() const override { return open_ && !conn_.closing(); }
  void spawn(std::function<boost::asio::awaitable<void>()> work) override;
  /// The token it was opened with was revoked or expired: closes with 4001 (own thread).
  void token_ended(std::string_view reason);

 private:
  boost::asio::awaitable<void> run(std::string switching);
  /// Whether a frame may be queued (closes a slow consumer instead); counts it by type.
  bool admit(const std::string& frame);
  /// Counts the frame by type and runs it.
  boost::asio::awaitable<void> handle_frame(std::string_view text);
  /// Closes with `code`/`reason` once what is queued before it is written.
  void close(std::uint16_t code, std::string_view reason);
  /// Server shutdown: handles no further frame, lets the frame being handled finish and the
  /// messages it sent be stored and echoed, then closes with 1001.
  boost::asio::awaitable<void> drain();

  ws::connection conn_;
  services& svc_;
  connection_registry& connections_;
  std::uint64_t registration_;
  std::size_t thread_;
  /// Where its token's revocation or expiry finds it, until either ends it or it closes.
  std::optional<token_sessions::watch::handle> token_entry_;
  /// Why its token ended before the session was open: it closes as soon as it is.
  std::string_view ended_early_;
  chat::session logic_;
  bool open_ = false;
  bool draining_ = false;
  bool handling_ = false;  ///< a frame is being handled (it may still send a message)
};

/// What try_upgrade did with a request.
enum class upgrade_result { not_an_upgrade, rejected, upgraded };

/// Hands `stream` to a new ws_session when `req` is an authenticated, well-formed WebSocket
/// upgrade on /ws (the stream is then moved from, and the session takes over `registration`);
/// `leftover` is what was read past the request. `rejected`: answer `rejection` (401, 400 or
/// 426) instead.
upgrade_result try_upgrade(http_stream& stream, std::string_view leftover, http::request& req,
                           std::size_t thread, services& svc, connection_registry& connections,
                           std::uint64_t registration, std::optional<http::response>& rejection);

}  // namespace parley::net
