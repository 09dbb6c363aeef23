#include "parley/chat/session.hpp"

#include <atomic>

#include "parley/log/log.hpp"
#include "parley/proto/server_frames.hpp"
#include "parley/store/channels.hpp"

namespace parley::chat {
using boost::asio::awaitable;

namespace {

std::atomic<std::uint64_t> next_session_id{1};

/// Typing indicators one session may fan out: clients send one every few seconds while the user
/// types, and the indicator shows for seconds.
constexpr std::uint32_t typing_rate = 1;
constexpr std::uint32_t typing_burst = 3;

}  // namespace

session::session(session_services& svc, session_output& out, std::size_t thread, session_user user,
                 std::uint32_t rate_limit, std::uint32_t rate_burst)
    : svc_(svc),
      out_(out),
      thread_(thread),
      user_(std::move(user)),
      id_(next_session_id.fetch_add(1, std::memory_order_relaxed)),
      limiter_(rate_limit, rate_burst, rate_limiter::clock::now()),
      typing_limiter_(typing_rate, typing_burst, rate_limiter::clock::now()) {}

awaitable<void> session::open(std::string_view instance_id) {
  svc_.hub.attach(thread_, this, user_.username);
  auto listening = svc_.bus.user_ready(user_.id);
  co_await std::move(listening);
  send(proto::hello_frame(user_.id, user_.username, instance_id));
}

void session::close() {
  if (waiting_for_match_) {
    svc_.bus.unmatch_seat(user_.id, seat());
  }
  svc_.hub.detach(thread_, this);
}

awaitable<void> session::handle(proto::parsed_frame& frame) {
  const auto& ref = frame.ref;
  if (!limiter_.allow(rate_limiter::clock::now())) {
    send_error(error::code::rate_limited, {}, ref);
    co_return;
  }
  if (auto* error = std::get_if<proto::frame_error>(&frame.result)) {
    send_error(error->code, error->message, ref);
    co_return;
  }
  auto& cmd = std::get<proto::command>(frame.result);
  try {
    if (auto* c = std::get_if<proto::join_cmd>(&cmd)) {
      co_await on_join(*c, ref);
    } else if (auto* c = std::get_if<proto::leave_cmd>(&cmd)) {
      co_await on_leave(*c, ref);
    } else if (auto* c = std::get_if<proto::create_cmd>(&cmd)) {
      co_await on_create(*c, ref);
    } else if (auto* c = std::get_if<proto::invite_cmd>(&cmd)) {
      co_await on_invite(*c, ref);
    } else if (auto* c = std::get_if<proto::send_cmd>(&cmd)) {
      co_await on_send(*c, ref);
    } else if (auto* c = std::get_if<proto::history_cmd>(&cmd)) {
      co_await on_history(*c, ref);
    } else if (auto* c = std::get_if<proto::seen_cmd>(&cmd)) {
      co_await on_seen(*c, ref);
    } else if (auto* c = std::get_if<proto::typing_cmd>(&cmd)) {
      on_typing(*c, ref);
    } else if (auto* c = std::get_if<proto::presence_cmd>(&cmd)) {
      co_await on_presence(*c, ref);
    } else if (std::holds_alternative<proto::channels_cmd>(cmd)) {
      co_await on_channels(ref);
    } else if (std::holds_alternative<proto::match_cmd>(cmd)) {
      co_await on_match(ref);
    } else if (std::holds_alternative<proto::unmatch_cmd>(cmd)) {
      on_unmatch(ref);
    } else {
      send(proto::encode({{"type", "pong"}}, ref));
    }
  } catch (const std::exception& e) {
    PARLEY_LOG(error, "session") << "frame from " << user_.username << " failed: " << e.what();
    send_error(error::code::internal, {}, ref);
  }
}

void session::deliver(const shared_frame& frame) {
  out_.send(frame);
}

void session::channel_forgotten(const std::string& channel) {
  channels_.unsubscribe(channel);
  send(proto::channel_reply("left", channel, std::nullopt));
}

void session::match_made(const model::channel_row& channel, const std::string& peer) {
  waiting_for_match_ = false;
  if (!out_.is_open()) {
    return;
  }
  out_.spawn([this, channel, peer] { return join_match(channel, peer); });
}

awaitable<void> session::join_match(model::channel_row channel, std::string peer) {
  if (!out_.is_open()) {
    co_return;  // closed (and gone from the hub) since the match was made: nothing to join
  }
  auto subscribing = subscribe(channel.name, channel.id, std::int64_t{0});
  const bool newly = co_await std::move(subscribing);
  send(proto::encode({{"type", "matched"}, {"channel", channel.name}, {"peer", peer}}));
  co_await replay(channel.name, 0, newly);
}

void session::deliver_message(const std::string& channel, std::int64_t id,
                              const shared_frame& frame,
                              std::chrono::steady_clock::time_point committed_at) {
  if (!channels_.on_live(channel, id, frame)) {
    return;
  }
  if (committed_at == std::chrono::steady_clock::time_point{}) {
    out_.send(frame);
  } else {
    out_.send_committed(frame, committed_at);
  }
}

awaitable<bool> session::subscribe(const std::string& channel, std::int64_t channel_id,
                                   std::optional<std::int64_t> since) {
  if (!svc_.hub.subscribe(thread_, this, channel)) {
    co_return false;
  }
  channels_.subscribe(channel, channel_id, since);
  // Answer only once the other instances are heard: nothing published after the reply is missed.
  auto listening = svc_.bus.channel_ready(channel);
  co_await std::move(listening);
  co_return true;
}

awaitable<void> session::replay(const std::string& channel, std::int64_t since, bool newly) {
  auto cursor = channels_.start_replay(channel, since, newly);
  const auto channel_id = *channels_.channel_id(channel);
  while (!cursor.done && out_.is_open() && channels_.joined(channel)) {
    auto waiting = out_.wait_for_room();
    co_await std::move(waiting);
    auto reading = svc_.db.run([channel_id, after = cursor.after](store::database& db) {
      return store::read_after(db, channel_id, after, replay_chunk);
    });
    const auto page = co_await std::move(reading);
    const auto taken = channels_.accept_page(channel, cursor, page, replay_chunk);
    for (std::size_t i = 0; i < taken; ++i) {
      out_.send(proto::make_frame(proto::message_frame(channel, page[i])));
    }
  }
  send_all(channels_.finish_replay(channel, cursor));
}

void session::send(std::string frame) {
  out_.send(proto::make_frame(std::move(frame)));
}

void session::send_all(const std::vector<shared_frame>& frames) {
  for (const auto& f : frames) {
    out_.send(f);
  }
}

void session::send_error(error::code code, std::string_view message, const ref_t& ref) {
  svc_.metrics.errors_total.add({std::string(code_name(code))});
  if (code == error::code::rate_limited) {
    svc_.metrics.rate_limited_total.fetch_add(1, std::memory_order_relaxed);
  }
  send(proto::error_frame(code, message, ref));
}

}  // namespace parley::chat
