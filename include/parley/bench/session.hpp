#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "parley/bench/client_stream.hpp"
#include "parley/bench/report.hpp"
#include "parley/util/with_error.hpp"

// Private to the bench module: one benchmark client's WebSocket session, shared by the
// scenarios.
namespace parley::bench {

using ws_stream = boost::beast::websocket::stream<client_stream>;

/// Where sessions connect.
struct server_address {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host;                          ///< as the URL named it, for TLS's SNI
  boost::asio::ssl::context* tls = nullptr;  ///< wss://: the context; null for ws://
};

inline constexpr auto poll_interval = std::chrono::milliseconds(5);

/// Waits (polling) until `done()` or the deadline.
template <class Done>
boost::asio::awaitable<void> wait_until(Done done, std::chrono::steady_clock::time_point deadline) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(poll_interval);
    co_await timer.async_wait(util::with_error);
  }
}

/// Connects to `to` (from `source` when set), shakes hands with TLS for wss://, upgrades with
/// `token` and reads the hello; null, counted in `stats`, on any failure.
boost::asio::awaitable<std::unique_ptr<ws_stream>> open_session(
    const server_address& to, const std::string& token, tally& stats,
    std::optional<boost::asio::ip::address_v4> source);

/// Sends a frame and reads until the frame carrying `ref`; false (counted) on error replies.
/// The frames read before it go to `skipped`, when given.
boost::asio::awaitable<bool> call(ws_stream& ws, boost::beast::flat_buffer& buf,
                                  const std::string& frame, std::string_view ref_marker,
                                  tally& stats,
                                  const std::function<void(std::string_view)>& skipped = {});

/// The text of the frame a read left in `buf`.
inline std::string_view frame_text(const boost::beast::flat_buffer& buf) {
  return {static_cast<const char*>(buf.data().data()), buf.size()};
}

/// Closes the TCP socket under `ws` (if any): ends a read in progress or about to start.
void close_socket(ws_stream* ws);

}  // namespace parley::bench
