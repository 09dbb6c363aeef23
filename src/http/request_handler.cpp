#include <boost/json.hpp>

#include "parley/http/handlers.hpp"
#include "parley/http/url.hpp"
#include "parley/log/log.hpp"

namespace parley::http {
namespace beast_http = boost::beast::http;
using boost::asio::awaitable;

namespace {

/// Liveness (`/healthz`: always 200 while the process serves) and readiness (`/readyz`: 503
/// while a configured Redis is down, so a balancer can prefer instances that reach the cluster).
response health(const request& req, const api_context& svc, bool readiness) {
  const int redis = svc.metrics.redis_connected.load(std::memory_order_relaxed);
  boost::json::object body{{"status", "ok"}};
  if (redis >= 0) {
    body["redis"] = redis == 1 ? "connected" : "disconnected";
  }
  auto status = beast_http::status::ok;
  if (readiness && redis == 0) {
    status = beast_http::status::service_unavailable;
    body["status"] = "unavailable";
  }
  return json_response(req, status, std::move(body));
}

awaitable<reply> dispatch(api_context& svc, const request& req, const routing& r) {
  switch (r.route) {
    case route::signup:
      co_return co_await handle_signup(svc, req);
    case route::login:
      co_return co_await handle_login(svc, req);
    case route::logout:
      co_return co_await handle_logout(svc, req);
    case route::token:
      co_return handle_token(svc, req);
    case route::me:
      co_return handle_me(svc, req);
    case route::channels:
      co_return co_await handle_channels(svc, req);
    case route::channel_messages:
      co_return co_await handle_channel_messages(svc, req, r.channel);
    case route::users:
      co_return co_await handle_users(svc, req);
    case route::upload:
    case route::upload_file:
      // Their bodies stream: the connection answers them itself (net::receive_upload,
      // net::send_upload) and never hands them here.
      break;
    case route::healthz:
      co_return make_reply(health(req, svc, false));
    case route::readyz:
      co_return make_reply(health(req, svc, true));
    case route::metrics: {
      response res(beast_http::status::ok, req.version());
      common_headers(res.base());
      res.set(beast_http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.keep_alive(req.keep_alive());
      res.body() = svc.metrics.render() +
                   metrics::counter_text("parley_store_jobs_total",
                                         "Jobs handed to the store thread (each a thread hop).",
                                         svc.db.jobs_queued());
      co_return make_reply(std::move(res));
    }
    case route::websocket:
      // Reached only without an Upgrade header: the upgrade itself is taken by the session.
      co_return make_reply(error_response(req, beast_http::status::bad_request,
                                          error::code::bad_request,
                                          "/ws expects a WebSocket upgrade"));
    case route::static_file:
      co_return handle_static(svc, req);
  }
  co_return make_reply(
      error_response(req, beast_http::status::internal_server_error, error::code::internal));
}

}  // namespace

awaitable<reply> handle_request(api_context& svc, const request& req) {
  const auto r = route_request(req.method(), split_target(req.target()).path);
  std::optional<reply> out;
  if (r.result == routing::outcome::not_found) {
    out.emplace(
        make_reply(error_response(req, beast_http::status::not_found, error::code::not_found)));
  } else if (r.result == routing::outcome::method_not_allowed) {
    auto res = error_response(req, beast_http::status::method_not_allowed,
                              error::code::method_not_allowed);
    res.set(beast_http::field::allow, r.allow);
    out.emplace(make_reply(std::move(res)));
  } else {
    try {
      out.emplace(co_await dispatch(svc, req, r));
    } catch (const std::exception& e) {
      PARLEY_LOG(error, "http") << req.method_string() << ' ' << req.target() << ": " << e.what();
      out.emplace(make_reply(
          error_response(req, beast_http::status::internal_server_error, error::code::internal)));
    }
  }
  const auto label = r.result == routing::outcome::not_found ? std::string_view("unmatched")
                                                             : route_label(r.route);
  svc.metrics.http_requests_total.add({std::string(label), std::to_string(out->status)});
  PARLEY_LOG(debug, "http") << req.method_string() << ' ' << req.target() << ' ' << out->status;
  co_return std::move(*out);
}

}  // namespace parley::http
