#include "parley/net/ws_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>

#include "parley/http/handlers.hpp"
#include "parley/http/url.hpp"
#include "parley/log/log.hpp"
#include "parley/net/with_error.hpp"
#include "parley/proto/server_frames.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;

namespace {

constexpr std::chrono::seconds handshake_timeout{30};

std::atomic<std::uint64_t> next_session_id{1};

}  // namespace

ws_session::ws_session(beast::tcp_stream stream, std::size_t thread, server::services& svc,
                       connection_registry& connections, auth::claims user)
    : ws_(std::move(stream)),
      thread_(thread),
      svc_(svc),
      connections_(connections),
      user_(std::move(user)),
      id_(next_session_id.fetch_add(1, std::memory_order_relaxed)),
      limiter_(svc.cfg.rate_limit, svc.cfg.rate_burst, chat::rate_limiter::clock::now()),
      writer_wake_(ws_.get_executor()),
      room_wake_(ws_.get_executor()) {}

void ws_session::start(http::request upgrade) {
  asio::co_spawn(
      ws_.get_executor(),
      [self = shared_from_this(), req = std::move(upgrade)]() mutable {
        return self->run(std::move(req));
      },
      asio::detached);
}

awaitable<void> ws_session::run(http::request upgrade) {
  auto self = shared_from_this();
  beast::get_lowest_layer(ws_).expires_never();
  // Beast pings a connection silent for half the idle timeout and drops one silent for all of it.
  ws_.set_option(websocket::stream_base::timeout{
      handshake_timeout, std::chrono::seconds(svc_.cfg.idle_timeout_s), true});
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "parley"); }));
  ws_.read_message_max(max_ws_frame_bytes);

  std::weak_ptr<ws_session> weak = self;
  auto executor = ws_.get_executor();
  const auto registration = connections_.add([weak, executor] {
    asio::post(executor, [weak] {
      if (auto s = weak.lock()) {
        s->close(websocket::close_code::going_away, "server shutting down");
      }
    });
  });

  auto [accept_ec] = co_await ws_.async_accept(upgrade, with_error);
  if (!accept_ec) {
    open_ = true;
    svc_.metrics.ws_sessions.fetch_add(1, std::memory_order_relaxed);
    svc_.hub->attach(thread_, this, user_.username);
    if (svc_.cluster != nullptr) {
      auto listening = svc_.cluster->user_ready(user_.user_id);
      co_await std::move(listening);
    }
    send(proto::hello_frame(user_.user_id, user_.username, svc_.cfg.instance_id));
    asio::co_spawn(
        executor, [self] { return self->writer(); }, asio::detached);

    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await ws_.async_read(buffer, with_error);
      if (ec) {
        break;
      }
      if (closing_) {
        buffer.consume(buffer.size());
        continue;
      }
      if (!ws_.got_text()) {
        close(websocket::close_code::unknown_data, "binary frames are not accepted");
        buffer.consume(buffer.size());
        continue;
      }
      const std::string_view text(static_cast<const char*>(buffer.data().data()), buffer.size());
      co_await handle_frame(text);
      buffer.consume(buffer.size());
    }
    open_ = false;
    svc_.hub->detach(thread_, this);
    svc_.metrics.ws_sessions.fetch_sub(1, std::memory_order_relaxed);
    wake_writer();
    room_wake_.cancel();
  }
  connections_.remove(registration);
}

awaitable<void> ws_session::writer() {
  auto self = shared_from_this();
  asio::steady_timer deadline(ws_.get_executor());
  for (;;) {
    while (!queue_.empty() && open_) {
      auto frame = queue_.front();
      auto [ec, n] = co_await ws_.async_write(asio::buffer(*frame), with_error);
      if (ec) {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        co_return;
      }
      // The front stays queued while it is written (a slow-consumer close keeps it there).
      queue_.pop_front();
      queued_bytes_ -= frame->size();
      svc_.metrics.count_frame_out(*frame);
      if (queued_bytes_ <= svc_.cfg.max_queue_bytes / 2) {
        room_wake_.cancel();
      }
    }
    if (!open_) {
      co_return;
    }
    if (closing_) {
      // A peer that never reads would hold the close handshake forever.
      deadline.expires_after(close_deadline);
      deadline.async_wait([weak = std::weak_ptr<ws_session>(self)](beast::error_code ec) {
        if (auto s = weak.lock(); s && !ec) {
          beast::error_code ignored;
          beast::get_lowest_layer(s->ws_).socket().close(ignored);
        }
      });
      co_await ws_.async_close(*closing_, with_error);
      co_return;
    }
    writer_wake_.expires_at(asio::steady_timer::time_point::max());
    co_await writer_wake_.async_wait(with_error);
  }
}

void ws_session::wake_writer() {
  writer_wake_.cancel();
}

awaitable<void> ws_session::wait_for_room() {
  while (open_ && !closing_ && queued_bytes_ > svc_.cfg.max_queue_bytes / 2) {
    room_wake_.expires_at(asio::steady_timer::time_point::max());
    co_await room_wake_.async_wait(with_error);
  }
}

void ws_session::enqueue(chat::shared_frame frame) {
  if (!open_ || closing_) {
    return;
  }
  if (queued_bytes_ + frame->size() > svc_.cfg.max_queue_bytes) {
    svc_.metrics.slow_consumer_closes_total.fetch_add(1, std::memory_order_relaxed);
    PARLEY_LOG(info, "ws") << "closing slow consumer " << user_.username << " (session " << id_
                           << ", " << queued_bytes_ << " bytes queued)";
    // Keep only the frame being written, if any; nothing more goes to this client.
    while (queue_.size() > 1) {
      queued_bytes_ -= queue_.back()->size();
      queue_.pop_back();
    }
    close(websocket::close_code::policy_error, "slow consumer");
    return;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (queue_.size() == 1) {
    wake_writer();
  }
}

void ws_session::send(std::string frame) {
  enqueue(std::make_shared<const std::string>(std::move(frame)));
}

void ws_session::send_error(error_code code, std::string_view message,
                            const std::optional<std::string>& ref) {
  svc_.metrics.errors_total.add({std::string(code_name(code))});
  if (code == error_code::rate_limited) {
    svc_.metrics.rate_limited_total.fetch_add(1, std::memory_order_relaxed);
  }
  send(proto::error_frame(code, message, ref));
}

void ws_session::close(websocket::close_code code, std::string reason) {
  if (closing_ || !open_) {
    return;
  }
  closing_ = websocket::close_reason(code, reason);
  wake_writer();
  room_wake_.cancel();
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

upgrade_result try_upgrade(beast::tcp_stream& stream, http::request& req, std::size_t thread,
                           server::services& svc, connection_registry& connections,
                           std::optional<http::response>& rejection) {
  if (!websocket::is_upgrade(req) || http::split_target(req.target()).path != "/ws") {
    return upgrade_result::not_an_upgrade;
  }
  auto claims = http::authenticate(svc, req, true);
  if (!claims) {
    rejection =
        http::error_response(req, beast::http::status::unauthorized, error_code::unauthorized);
    svc.metrics.http_requests_total.add({"/ws", "401"});
    return upgrade_result::rejected;
  }
  svc.metrics.http_requests_total.add({"/ws", "101"});
  std::make_shared<ws_session>(std::move(stream), thread, svc, connections, std::move(*claims))
      ->start(std::move(req));
  return upgrade_result::upgraded;
}

}  // namespace parley::net
