#include "parley/net/http_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>

#include "parley/http/client_address.hpp"
#include "parley/http/handlers.hpp"
#include "parley/http/router.hpp"
#include "parley/http/url.hpp"
#include "parley/log/log.hpp"
#include "parley/net/uploads.hpp"
#include "parley/net/ws_session.hpp"
#include "parley/util/with_error.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;
using asio::awaitable;
using util::with_error;

namespace {

/// The reply for a request that could not be parsed; the connection closes after it.
template <class Body>
http::response rejection(const beast_http::request_parser<Body>& parser,
                         const beast::error_code& ec) {
  http::request req;
  if (parser.is_header_done()) {
    req.version(parser.get().version());
  }
  req.keep_alive(false);
  if (ec == beast_http::error::body_limit) {
    return http::error_response(req, beast_http::status::payload_too_large, error::code::too_large,
                                "request body over 64 KiB");
  }
  auto res =
      http::error_response(req, beast_http::status::bad_request, error::code::bad_request,
                           ec == beast_http::error::header_limit ? "request headers too large"
                                                                 : "malformed HTTP request");
  res.keep_alive(false);
  return res;
}

/// The connection's peer; unspecified if it is already gone (it then fails its first read).
asio::ip::address peer_address(const asio::ip::tcp::socket& socket) {
  beast::error_code ec;
  return socket.remote_endpoint(ec).address();
}

/// The 429 for a sign-up or login beyond PARLEY_AUTH_RATE from the request's client address,
/// or nullopt when the attempt is allowed (and counted).
std::optional<http::response> sign_in_refusal(services& svc, const asio::ip::address& peer,
                                              const http::request& req) {
  // A proxy appends to the last X-Forwarded-For line; earlier lines came from the client.
  std::string_view forwarded;
  for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it) {
    forwarded = it->value();
  }
  const auto client = http::client_address(peer, forwarded, svc.trusted_proxies);
  const auto wait =
      svc.sign_ins.attempt(http::limit_key(client), auth::attempt_limiter::clock::now());
  if (!wait) {
    return std::nullopt;
  }
  auto res =
      http::error_response(req, beast_http::status::too_many_requests, error::code::rate_limited,
                           "too many sign-up or login attempts from this address");
  res.set(beast_http::field::retry_after, std::to_string(wait->count()));
  return res;
}

}  // namespace

http_session::http_session(asio::ip::tcp::socket socket, std::size_t thread, services& svc,
                           connection_registry& connections)
    : stream_(svc.tls ? http_stream(std::move(socket), *svc.tls->current())
                      : http_stream(std::move(socket))),
      peer_(peer_address(stream_.tcp().socket())),
      thread_(thread),
      svc_(svc),
      connections_(connections) {}

void http_session::start() {
  asio::co_spawn(
      stream_.get_executor(), [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void http_session::request_close() {
  stopping_ = true;
  if (idle_) {
    beast::error_code ignored;
    stream_.tcp().socket().cancel(ignored);
  }
}

awaitable<void> http_session::run() {
  std::weak_ptr<http_session> weak = shared_from_this();
  auto executor = stream_.get_executor();
  const auto id = connections_.add([weak, executor] {
    asio::post(executor, [weak] {
      if (auto self = weak.lock()) {
        self->request_close();
      }
    });
  });

  stream_.tcp().expires_after(http_header_timeout);
  auto shaking = stream_.handshake();
  const auto handshake_ec = co_await std::move(shaking);
  // A failed handshake (a plain-HTTP client, a scanner, an old TLS version) just closes: there
  // is no channel to answer on.
  stopping_ = stopping_ || handshake_ec;

  bool upgraded = false;
  bool first_request = true;  // its deadline started with the connection
  const bool over_limit =
      svc_.cfg.max_connections > 0 && connections_.size() > svc_.cfg.max_connections;
  // Answers a request that could not be read, unless the peer simply went away.
  const auto refuse = [this]<class Body>(const beast_http::request_parser<Body>& parser,
                                         beast::error_code ec) -> awaitable<void> {
    const bool peer_gone = ec == beast_http::error::end_of_stream ||
                           ec == asio::error::operation_aborted || ec == beast::error::timeout ||
                           ec == asio::error::connection_reset || ec == asio::error::eof;
    if (!peer_gone) {
      svc_.metrics.http_requests_total.add(
          {"unparsed", ec == beast_http::error::body_limit ? "413" : "400"});
      stream_.tcp().expires_after(http_write_timeout);
      auto res = rejection(parser, ec);
      auto [write_ec, _] = co_await beast_http::async_write(stream_, res, with_error);
      if (!write_ec) {
        co_await linger();  // the unread rest of the request must not reset the answer away
      }
    }
  };
  while (!stopping_) {
    // The header first: an upload's body streams to disk instead of being read whole.
    beast_http::request_parser<beast_http::empty_body> head;
    head.header_limit(max_header_bytes);
    // Beast compares a Content-Length with the limit only while the header is parsed: lengths
    // are checked below, per kind of request, and chunked bodies as they stream.
    head.body_limit(boost::none);
    if (!first_request) {
      stream_.tcp().expires_after(http_header_timeout);
    }
    first_request = false;
    idle_ = true;
    auto [head_ec, _h] = co_await beast_http::async_read_header(stream_, buffer_, head, with_error);
    idle_ = false;
    if (head_ec) {
      co_await refuse(head, head_ec);
      break;
    }
    const auto started = std::chrono::steady_clock::now();
    const auto answered = [&] {
      svc_.metrics.http_request_seconds.observe(std::chrono::steady_clock::now() - started);
    };
    if (over_limit) {
      // Beyond PARLEY_MAX_CONNECTIONS: this connection's first request is answered and it ends;
      // the open ones (counted before it) go on.
      http::request req;
      req.base() = head.get().base();
      auto res = http::error_response(req, beast_http::status::service_unavailable,
                                      error::code::unavailable);
      res.keep_alive(false);
      svc_.metrics.http_requests_total.add({"unavailable", "503"});
      stream_.tcp().expires_after(http_write_timeout);
      co_await beast_http::async_write(stream_, res, with_error);
      break;
    }
    if (is_upload_request(head)) {
      upload_answer answer;
      try {
        auto receiving = receive_upload(stream_, buffer_, head, svc_);
        answer = co_await std::move(receiving);
      } catch (const std::exception& e) {
        PARLEY_LOG(error, "upload") << "upload failed: " << e.what();
        http::request req;
        req.base() = head.get().base();
        answer = {http::error_response(req, beast_http::status::internal_server_error,
                                       error::code::internal),
                  true};
      }
      svc_.metrics.http_requests_total.add(
          {"/api/uploads", std::to_string(answer.response.result_int())});
      stream_.tcp().expires_after(http_write_timeout);
      const bool keep = answer.response.keep_alive() && !answer.close;
      auto [write_ec, _w] = co_await beast_http::async_write(stream_, answer.response, with_error);
      answered();
      if (!write_ec && answer.close) {
        co_await linger();
      }
      if (write_ec || !keep) {
        break;
      }
      continue;
    }
    if (const auto length = head.content_length(); length && *length > max_body_bytes) {
      co_await refuse(head, beast_http::error::body_limit);
      break;
    }
    beast_http::request_parser<beast_http::string_body> parser(std::move(head));
    parser.body_limit(max_body_bytes);
    stream_.tcp().expires_after(http_read_timeout);
    // Most requests (an upgrade among them) have no body: nothing more to read.
    if (!parser.is_done()) {
      auto [ec, _] = co_await beast_http::async_read(stream_, buffer_, parser, with_error);
      if (ec) {
        co_await refuse(parser, ec);
        break;
      }
    }
    auto req = parser.release();
    const bool keep_alive = req.keep_alive();
    std::optional<http::response> refused;
    // A view, not a copy: most requests are not upgrades, and the session copies what it keeps.
    const std::string_view leftover(static_cast<const char*>(buffer_.data().data()),
                                    buffer_.size());
    const auto upgrade =
        try_upgrade(stream_, leftover, req, thread_, svc_, connections_, id, refused);
    if (upgrade == upgrade_result::upgraded) {
      upgraded = true;
      break;
    }
    if (upgrade == upgrade_result::rejected) {
      stream_.tcp().expires_after(http_write_timeout);
      auto [write_ec, __] = co_await beast_http::async_write(stream_, *refused, with_error);
      if (write_ec || !keep_alive) {
        break;
      }
      continue;
    }
    const auto routed = http::route_request(req.method(), http::split_target(req.target()).path);
    if (routed.result == http::routing::outcome::found &&
        routed.route == http::route::upload_file) {
      upload_sent sent;
      try {
        auto sending = send_upload(stream_, req, routed.upload, svc_);
        sent = co_await std::move(sending);
      } catch (const std::exception& e) {
        PARLEY_LOG(error, "upload")
            << "sending upload " << routed.upload << " failed: " << e.what();
        break;  // the answer may be half written: only closing tells the client
      }
      svc_.metrics.http_requests_total.add({"/uploads/{id}", std::to_string(sent.status)});
      answered();
      if (!sent.keep_alive) {
        break;
      }
      continue;
    }
    if (routed.result == http::routing::outcome::found &&
        (routed.route == http::route::signup || routed.route == http::route::login)) {
      if (auto refused = sign_in_refusal(svc_, peer_, req)) {
        svc_.metrics.http_requests_total.add({std::string(http::route_label(routed.route)), "429"});
        stream_.tcp().expires_after(http_write_timeout);
        auto [write_ec, __] = co_await beast_http::async_write(stream_, *refused, with_error);
        if (write_ec || !keep_alive) {
          break;
        }
        continue;
      }
    }
    auto handling = http::handle_request(svc_.api, req);
    auto reply = co_await std::move(handling);
    stream_.tcp().expires_after(http_write_timeout);
    auto [write_ec, __] =
        co_await beast::async_write(stream_, std::move(reply.message), with_error);
    answered();
    if (write_ec || !keep_alive) {
      break;
    }
  }
  if (!upgraded) {
    beast::error_code ignored;
    stream_.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stream_.tcp().socket().close(ignored);
    connections_.remove(id);  // an upgraded connection's registration is its ws_session's now
  }
}

awaitable<void> http_session::linger() {
  // Closing with an unread body in the socket makes the kernel reset the connection, and a reset
  // can destroy the answer before the client reads it: stop sending, then read and drop what the
  // client still sends, for a bounded time and amount.
  beast::error_code ignored;
  stream_.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  std::array<char, 16 * 1024> sink;
  stream_.tcp().expires_after(linger_timeout);
  for (std::size_t drained = 0; drained < max_linger_bytes;) {
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), with_error);
    if (ec) {
      break;
    }
    drained += n;
  }
}

}  // namespace parley::net
