#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parley/auth/jwt.hpp"
#include "parley/net/token_watch.hpp"

namespace parley::net {

class ws_session;

/// Close code for a session whose token was revoked or expired (contract: 4001).
inline constexpr std::uint16_t token_ended_close = 4001;

/// Ends each WebSocket session when the token it was opened with is revoked (a logout here or,
/// over the bus, on another instance) or expires: close 4001 `logged out` / `token expired`.
/// Per I/O thread, one token_watch and one timer set to the next expiry; a session is added and
/// removed on its own thread, and a revocation is posted to every thread.
class token_sessions {
 public:
  using watch = token_watch<ws_session>;

  explicit token_sessions(std::vector<boost::asio::io_context*> threads);

  /// A session opened on `thread` (its own thread); it keeps the handle until it closes.
  watch::handle add(std::size_t thread, ws_session* session, const auth::claims& token);
  /// A session closed before its token ended (its own thread).
  void remove(std::size_t thread, watch::handle h);
  /// A token was revoked (any thread).
  void revoked(const std::string& jti);

 private:
  struct per_thread {
    explicit per_thread(boost::asio::io_context& ctx) : ctx(ctx), timer(ctx) {}
    boost::asio::io_context& ctx;
    boost::asio::steady_timer timer;
    std::optional<std::int64_t> armed_for;  ///< the expiry the timer waits for
    watch sessions;
  };

  void arm(per_thread& t);
  static void end(const std::vector<ws_session*>& sessions, const char* reason);

  std::vector<std::unique_ptr<per_thread>> threads_;
};

}  // namespace parley::net
