#include "parley/net/ws_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <atomic>

#include "parley/http/handlers.hpp"
#include "parley/http/url.hpp"
#include "parley/log/log.hpp"
#include "parley/util/with_error.hpp"
#include "parley/proto/server_frames.hpp"
#include "parley/ws/handshake.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;

namespace {

std::atomic<std::uint64_t> next_session_id{1};

}  // namespace

ws_session::ws_session(asio::ip::tcp::socket socket, std::string leftover, std::size_t thread,
                       services& svc, connection_registry& connections, auth::claims user)
    : conn_(std::move(socket),
            {max_ws_message_bytes, std::chrono::seconds(svc.cfg.idle_timeout_s), close_deadline},
            std::move(leftover)),
      thread_(thread),
      svc_(svc),
      connections_(connections),
      user_(std::move(user)),
      id_(next_session_id.fetch_add(1, std::memory_order_relaxed)),
      limiter_(svc.cfg.rate_limit, svc.cfg.rate_burst, chat::rate_limiter::clock::now()) {}

void ws_session::start(http::response switching) {
  conn_.set_owner(weak_from_this());
  asio::co_spawn(
      conn_.get_executor(),
      [self = shared_from_this(), res = std::move(switching)]() mutable {
        return self->run(std::move(res));
      },
      asio::detached);
}

awaitable<void> ws_session::run(http::response switching) {
  auto self = shared_from_this();
  std::weak_ptr<ws_session> weak = self;
  const auto registration = connections_.add([weak, executor = conn_.get_executor()] {
    asio::post(executor, [weak] {
      if (auto s = weak.lock()) {
        s->close(ws::close_code::going_away, "server shutting down");
      }
    });
  });

  auto accepting = conn_.accept(std::move(switching));
  if (co_await std::move(accepting)) {
    open_ = true;
    svc_.metrics.ws_sessions.fetch_add(1, std::memory_order_relaxed);
    svc_.hub.attach(thread_, this, user_.username);
    auto listening = svc_.bus.user_ready(user_.user_id);
    co_await std::move(listening);
    send(proto::hello_frame(user_.user_id, user_.username, svc_.cfg.instance_id));
    for (;;) {
      auto reading = conn_.read();
      const auto text = co_await std::move(reading);
      if (!text) {
        break;
      }
      co_await handle_frame(*text);
    }
    open_ = false;
    svc_.hub.detach(thread_, this);
    svc_.metrics.ws_sessions.fetch_sub(1, std::memory_order_relaxed);
  }
  auto finishing = conn_.finish();
  co_await std::move(finishing);
  connections_.remove(registration);
}

awaitable<void> ws_session::wait_for_room() {
  auto waiting = conn_.wait_until_queued_at_most(svc_.cfg.max_queue_bytes / 2);
  co_await std::move(waiting);
}

void ws_session::enqueue(chat::shared_frame frame) {
  if (!open_ || conn_.closing()) {
    return;
  }
  if (conn_.queued_bytes() + frame->size() > svc_.cfg.max_queue_bytes) {
    svc_.metrics.slow_consumer_closes_total.fetch_add(1, std::memory_order_relaxed);
    PARLEY_LOG(info, "ws") << "closing slow consumer " << user_.username << " (session " << id_
                           << ", " << conn_.queued_bytes() << " bytes queued)";
    conn_.drop_unsent();  // nothing more goes to this client but the close
    close(ws::close_code::policy_error, "slow consumer");
    return;
  }
  svc_.metrics.count_frame_out(*frame);
  conn_.send_text(*frame);
}

void ws_session::send(std::string frame) {
  enqueue(proto::make_frame(std::move(frame)));
}

void ws_session::send_error(error::code code, std::string_view message,
                            const std::optional<std::string>& ref) {
  svc_.metrics.errors_total.add({std::string(code_name(code))});
  if (code == error::code::rate_limited) {
    svc_.metrics.rate_limited_total.fetch_add(1, std::memory_order_relaxed);
  }
  send(proto::error_frame(code, message, ref));
}

void ws_session::close(std::uint16_t code, std::string_view reason) {
  if (open_) {
    conn_.close(code, reason);
  }
}

void ws_session::deliver(const chat::shared_frame& frame) {
  enqueue(frame);
}

void ws_session::deliver_message(const std::string& channel, std::int64_t id,
                                 const chat::shared_frame& frame) {
  auto it = joined_.find(channel);
  if (it == joined_.end()) {
    enqueue(frame);  // a direct message to a session that has not joined its channel
    return;
  }
  auto& state = it->second;
  if (state.first_live_id == 0) {
    state.first_live_id = id;
  }
  if (state.replaying) {
    state.held.emplace_back(id, frame);
    return;
  }
  queue_message(state, id, frame);
}

void ws_session::queue_message(joined_channel& state, std::int64_t id,
                               const chat::shared_frame& frame) {
  if (id <= state.delivered_up_to) {
    return;
  }
  state.delivered_up_to = id;
  enqueue(frame);
}

upgrade_result try_upgrade(beast::tcp_stream& stream, std::string_view leftover, http::request& req,
                           std::size_t thread, services& svc,
                           connection_registry& connections,
                           std::optional<http::response>& rejection) {
  if (!beast::websocket::is_upgrade(req) || http::split_target(req.target()).path != "/ws") {
    return upgrade_result::not_an_upgrade;
  }
  auto claims = http::authenticate(svc.api, req, true);
  if (!claims) {
    rejection =
        http::error_response(req, beast::http::status::unauthorized, error::code::unauthorized);
    svc.metrics.http_requests_total.add({"/ws", "401"});
    return upgrade_result::rejected;
  }
  const auto key = req[beast::http::field::sec_websocket_key];
  switch (ws::check_handshake(req[beast::http::field::sec_websocket_version], key)) {
    case ws::handshake_verdict::wrong_version:
      rejection = http::error_response(req, beast::http::status::upgrade_required,
                                       error::code::bad_request, "WebSocket version 13 only");
      rejection->set(beast::http::field::sec_websocket_version, "13");
      break;
    case ws::handshake_verdict::bad_key:
      rejection = http::error_response(req, beast::http::status::bad_request,
                                       error::code::bad_request,
                                       "missing or malformed Sec-WebSocket-Key");
      break;
    case ws::handshake_verdict::accept:
      svc.metrics.http_requests_total.add({"/ws", "101"});
      std::make_shared<ws_session>(stream.release_socket(), std::string(leftover), thread, svc,
                                   connections, std::move(*claims))
          ->start(ws::switching_protocols(req.version(), key));
      return upgrade_result::upgraded;
  }
  svc.metrics.http_requests_total.add({"/ws", std::to_string(rejection->result_int())});
  return upgrade_result::rejected;
  return upgrade_result::upgraded;
}

}  // namespace parley::net
