#include "parley/net/ws_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "parley/http/handlers.hpp"
#include "parley/http/url.hpp"
#include "parley/log/log.hpp"
#include "parley/proto/server_frames.hpp"
#include "parley/store/store.hpp"
#include "parley/util/with_error.hpp"
#include "parley/ws/handshake.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;

ws_session::ws_session(ws::transport over, std::string leftover, std::size_t thread, services& svc,
                       connection_registry& connections, std::uint64_t registration,
                       auth::claims user)
    : conn_(std::move(over),
            {max_ws_message_bytes, std::chrono::seconds(svc.cfg.idle_timeout_s), close_deadline},
            std::move(leftover)),
      svc_(svc),
      connections_(connections),
      registration_(registration),
      thread_(thread),
      token_entry_(svc.by_token.add(thread, this, user)),
      logic_(svc.chat, *this, thread, {user.user_id, std::move(user.username)}, svc.cfg.rate_limit,
             svc.cfg.rate_burst) {
  conn_.on_written([&delivery = svc.metrics.delivery_seconds](auto committed) {
    const auto now = std::chrono::steady_clock::now();
    for (const auto at : committed) {
      delivery.observe(now - at);
    }
  });
}

ws_session::~ws_session() {
  if (token_entry_) {
    svc_.by_token.remove(thread_, *token_entry_);
  }
}

void ws_session::token_ended(std::string_view reason) {
  token_entry_.reset();  // spent: the watch forgot this session
  if (!open_) {
    ended_early_ = reason;
    return;
  }
  close(token_ended_close, reason);
}

void ws_session::start(std::string switching) {
  conn_.set_owner(weak_from_this());
  asio::co_spawn(
      conn_.get_executor(),
      [self = shared_from_this(), res = std::move(switching)]() mutable {
        return self->run(std::move(res));
      },
      asio::detached);
}

awaitable<void> ws_session::run(std::string switching) {
  auto self = shared_from_this();
  std::weak_ptr<ws_session> weak = self;
  connections_.hand_over(registration_, [weak, executor = conn_.get_executor()] {
    asio::post(executor, [weak] {
      if (auto s = weak.lock()) {
        asio::co_spawn(
            s->conn_.get_executor(), [s]() { return s->drain(); }, asio::detached);
      }
    });
  });

  conn_.accept(std::move(switching));
  open_ = true;
  if (!ended_early_.empty()) {
    close(token_ended_close, ended_early_);
  }
  svc_.metrics.ws_sessions.fetch_add(1, std::memory_order_relaxed);
  auto opening = logic_.open(svc_.cfg.instance_id);
  co_await std::move(opening);
  for (;;) {
    auto reading = conn_.read();
    const auto text = co_await std::move(reading);
    if (!text) {
      break;
    }
    if (draining_) {
      continue;  // not handled, not stored: the client learns from the 1001 that it must resend
    }
    handling_ = true;
    co_await handle_frame(*text);
    handling_ = false;
  }
  open_ = false;
  if (token_entry_) {
    svc_.by_token.remove(thread_, *token_entry_);
    token_entry_.reset();
  }
  logic_.close();
  svc_.metrics.ws_sessions.fetch_sub(1, std::memory_order_relaxed);
  auto finishing = conn_.finish();
  co_await std::move(finishing);
  connections_.remove(registration_);
}

awaitable<void> ws_session::handle_frame(std::string_view text) {
  auto frame = proto::parse_client_frame(text);
  svc_.metrics.count_frame_in(frame.type);
  co_await logic_.handle(frame);
}

namespace {

/// How long a draining session waits for its last frame and for the store before it closes.
constexpr auto drain_wait = std::chrono::seconds(3);

/// Resumes once the store's writer has run every job queued before this call (or at `deadline`).
awaitable<void> through_writer(store::store& db, std::chrono::steady_clock::time_point deadline) {
  auto passed = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, deadline);
  db.post([passed](store::database&) {
    asio::post(passed->get_executor(), [passed] { passed->cancel(); });
  });
  co_await passed->async_wait(util::with_error);
}

}  // namespace

awaitable<void> ws_session::drain() {
  if (draining_) {
    co_return;
  }
  draining_ = true;
  const auto deadline = std::chrono::steady_clock::now() + drain_wait;
  asio::steady_timer pause(conn_.get_executor());
  while (handling_ && std::chrono::steady_clock::now() < deadline) {
    pause.expires_after(std::chrono::milliseconds(5));
    co_await pause.async_wait(util::with_error);
  }
  // A message this session sent is queued on the writer ahead of the first pass, which queues
  // its batch's flush; the second pass runs after that flush, whose deliveries (our echo, the
  // acknowledgement, among them) are by then queued on this thread ahead of our resumption. So
  // no message is stored without its sender being told, and the close comes after the echo.
  for (int pass = 0; pass < 2; ++pass) {
    auto passing = through_writer(svc_.chat.db, deadline);
    co_await std::move(passing);
  }
  close(ws::close_code::going_away, "server shutting down");
}

awaitable<void> ws_session::wait_for_room() {
  auto waiting = conn_.wait_until_queued_at_most(svc_.cfg.max_queue_bytes / 2);
  co_await std::move(waiting);
}

void ws_session::spawn(std::function<awaitable<void>()> work) {
  asio::co_spawn(
      conn_.get_executor(),
      [self = shared_from_this(), work = std::move(work)]() -> awaitable<void> {
        try {
          co_await work();
        } catch (const std::exception& e) {
          PARLEY_LOG(error, "ws") << "session " << self->logic_.session_id()
                                  << ": background work failed: " << e.what();
        }
      },
      asio::detached);
}

void ws_session::send(const chat::shared_frame& frame) {
  if (admit(*frame)) {
    conn_.send_text(*frame);
  }
}

void ws_session::send_committed(const chat::shared_frame& frame,
                                std::chrono::steady_clock::time_point committed_at) {
  if (admit(*frame)) {
    conn_.send_text(*frame, committed_at);
  }
}

bool ws_session::admit(const std::string& frame) {
  if (!is_open()) {
    return false;
  }
  if (conn_.queued_bytes() + frame.size() > svc_.cfg.max_queue_bytes) {
    svc_.metrics.slow_consumer_closes_total.fetch_add(1, std::memory_order_relaxed);
    PARLEY_LOG(info, "ws") << "closing slow consumer " << logic_.username() << " (session "
                           << logic_.session_id() << ", " << conn_.queued_bytes()
                           << " bytes queued)";
    conn_.drop_unsent();  // nothing more goes to this client but the close
    close(ws::close_code::policy_error, "slow consumer");
    return false;
  }
  svc_.metrics.count_frame_out(frame);
  return true;
}

void ws_session::close(std::uint16_t code, std::string_view reason) {
  if (open_) {
    conn_.close(code, reason);
  }
}

upgrade_result try_upgrade(http_stream& stream, std::string_view leftover, http::request& req,
                           std::size_t thread, services& svc, connection_registry& connections,
                           std::uint64_t registration, std::optional<http::response>& rejection) {
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
  if (http::foreign_cookie_request(svc.api, req)) {
    rejection = http::error_response(req, beast::http::status::forbidden, error::code::forbidden,
                                     "cookie authentication from a foreign origin");
    svc.metrics.http_requests_total.add({"/ws", "403"});
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
      rejection =
          http::error_response(req, beast::http::status::bad_request, error::code::bad_request,
                               "missing or malformed Sec-WebSocket-Key");
      break;
    case ws::handshake_verdict::accept:
      svc.metrics.http_requests_total.add({"/ws", "101"});
      std::make_shared<ws_session>(stream.release(), std::string(leftover), thread, svc,
                                   connections, registration, std::move(*claims))
          ->start(ws::switching_protocols(key));
      return upgrade_result::upgraded;
  }
  svc.metrics.http_requests_total.add({"/ws", std::to_string(rejection->result_int())});
  return upgrade_result::rejected;
}

}  // namespace parley::net
