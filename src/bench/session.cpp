#include "parley/bench/session.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "parley/util/with_error.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;
using asio::ip::tcp;
using util::with_error;

awaitable<std::unique_ptr<ws_stream>> open_session(const server_address& to,
                                                   const std::string& token, tally& stats,
                                                   std::optional<asio::ip::address_v4> source) {
  const auto executor = co_await asio::this_coro::executor;
  auto ws = to.tls ? std::make_unique<ws_stream>(executor, *to.tls)
                   : std::make_unique<ws_stream>(executor);
  const auto& ep = to.endpoint;
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
  if (auto* tls = ws->next_layer().tls()) {
    name_server(tls->native_handle(), to.host);
    auto [tec] = co_await tls->async_handshake(asio::ssl::stream_base::client, with_error);
    if (tec) {
      stats.error("TLS handshake: " + tec.message());
      co_return nullptr;
    }
  }
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
                     std::string_view ref_marker, tally& stats,
                     const std::function<void(std::string_view)>& skipped) {
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
    const auto text = frame_text(buf);
    if (text.find(ref_marker) == std::string_view::npos) {
      if (skipped) {
        skipped(text);
      }
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

void close_socket(ws_stream* ws) {
  if (ws) {
    beast::error_code ignored;
    beast::get_lowest_layer(*ws).socket().close(ignored);
  }
}

}  // namespace parley::bench
