// The command handlers of ws_session: one per client frame type (contract: "Client → server").
#include <boost/asio/use_awaitable.hpp>

#include "parley/model/username.hpp"
#include "parley/auth/token_service.hpp"
#include "parley/model/channel_name.hpp"
#include "parley/chat/directory.hpp"
#include "parley/log/log.hpp"
#include "parley/net/ws_session.hpp"
#include "parley/proto/server_frames.hpp"
#include "parley/store/channels.hpp"
#include "parley/util/clock.hpp"

namespace parley::net {
using boost::asio::awaitable;
using ref_t = std::optional<std::string>;

namespace {

/// The result of an access check plus what the command read in the same store hop.
template <class T>
struct with_access {
  chat::channel_access access;
  T value{};
};

}  // namespace

awaitable<void> ws_session::handle_frame(std::string_view text) {
  auto frame = proto::parse_client_frame(text);
  const auto& types = metrics::registry::ws_frame_types;
  const auto known = std::find(types.begin(), types.end() - 1, frame.type);
  svc_.metrics.ws_frames_in[static_cast<std::size_t>(known - types.begin())].fetch_add(
      1, std::memory_order_relaxed);
  if (!limiter_.allow(chat::rate_limiter::clock::now())) {
    send_error(error::code::rate_limited, {}, frame.ref);
    co_return;
  }
  if (auto* error = std::get_if<proto::frame_error>(&frame.result)) {
    send_error(error->code, error->message, frame.ref);
    co_return;
  }
  auto& cmd = std::get<proto::command>(frame.result);
  const auto& ref = frame.ref;
  try {
    if (auto* c = std::get_if<proto::join_cmd>(&cmd)) {
      co_await on_join(*c, ref);
    } else if (auto* c = std::get_if<proto::leave_cmd>(&cmd)) {
      on_leave(*c, ref);
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
    } else {
      send(proto::encode({{"type", "pong"}}, ref));
    }
  } catch (const std::exception& e) {
    PARLEY_LOG(error, "ws") << "frame from " << user_.username << " failed: " << e.what();
    send_error(error::code::internal, {}, ref);
  }
}

awaitable<void> ws_session::on_join(proto::join_cmd& c, const ref_t& ref) {
  const chat::actor me{user_.user_id, user_.username};
  auto opening = svc_.db.run([me, name = c.channel](store::database& db) {
    return chat::open_for_join(db, me, name, util::unix_seconds());
  });
  const auto access = co_await std::move(opening);
  if (access.error) {
    send_error(*access.error, {}, ref);
    co_return;
  }
  const bool newly = svc_.hub.subscribe(thread_, this, c.channel);
  auto& state = joined_[c.channel];
  if (newly) {
    state.channel_id = access.channel.id;
    state.delivered_up_to = c.since.value_or(0);
    // Hold live messages until `joined` is out; answer once the other instances are heard.
    state.replaying = true;
    co_await await_channel_topic(c.channel);
  }
  send(proto::channel_reply("joined", c.channel, ref));
  if (!c.since) {
    release_held(c.channel, 0);
  } else {
    // Live messages are held from the moment of subscription; the replay reads what is stored
    // after `since` (for a session already joined: up to its first live message), then releases
    // the held ones it did not already send: no gap, no duplicate.
    co_await replay(c.channel, *c.since, newly ? 0 : state.first_live_id);
  }
}

awaitable<void> ws_session::replay(const std::string& channel, std::int64_t after,
                                   std::int64_t stop_before) {
  joined_.at(channel).replaying = true;
  const auto channel_id = joined_.at(channel).channel_id;
  std::int64_t cursor = after;
  bool done = false;
  while (!done && open_) {
    co_await wait_for_room();
    auto reading = svc_.db.run([channel_id, cursor](store::database& db) {
      return store::read_after(db, channel_id, cursor, replay_chunk);
    });
    const auto chunk = co_await std::move(reading);
    done = chunk.size() < static_cast<std::size_t>(replay_chunk);
    for (const auto& m : chunk) {
      if (stop_before != 0 && m.id >= stop_before) {
        done = true;
        break;
      }
      enqueue(proto::make_frame(proto::message_frame(channel, m)));
      cursor = m.id;
    }
  }
  release_held(channel, cursor);
}

void ws_session::release_held(const std::string& channel, std::int64_t delivered_up_to) {
  auto it = joined_.find(channel);
  if (it == joined_.end() || !it->second.replaying) {
    return;
  }
  auto& state = it->second;
  state.replaying = false;
  state.delivered_up_to = std::max(state.delivered_up_to, delivered_up_to);
  const auto held = std::move(state.held);
  state.held.clear();
  for (const auto& [id, frame] : held) {
    queue_message(state, id, frame);
  }
}

awaitable<void> ws_session::await_channel_topic(const std::string& channel) {
  auto listening = svc_.bus.channel_ready(channel);
  co_await std::move(listening);
}

void ws_session::on_leave(const proto::leave_cmd& c, const ref_t& ref) {
  if (!svc_.hub.unsubscribe(thread_, this, c.channel)) {
    send_error(error::code::not_joined, {}, ref);
    return;
  }
  joined_.erase(c.channel);
  send(proto::channel_reply("left", c.channel, ref));
}

awaitable<void> ws_session::on_create(proto::create_cmd& c, const ref_t& ref) {
  const chat::actor me{user_.user_id, user_.username};
  auto creating = svc_.db.run([me, name = c.channel, priv = c.is_private](store::database& db) {
    return chat::create_channel(db, me, name, priv, util::unix_seconds());
  });
  const auto created = co_await std::move(creating);
  if (created.error) {
    send_error(*created.error, {}, ref);
    co_return;
  }
  if (svc_.hub.subscribe(thread_, this, c.channel)) {
    auto& state = joined_[c.channel];
    state.channel_id = created.channel.id;
    state.replaying = true;
    co_await await_channel_topic(c.channel);
    release_held(c.channel, 0);
  }
  send(proto::created_frame(c.channel, c.is_private, ref));
}

awaitable<void> ws_session::on_invite(proto::invite_cmd& c, const ref_t& ref) {
  const chat::actor me{user_.user_id, user_.username};
  auto inviting = svc_.db.run([me, channel = c.channel, user = c.user](store::database& db) {
    return chat::invite(db, me, channel, user, util::unix_seconds());
  });
  const auto invited = co_await std::move(inviting);
  if (invited.error) {
    send_error(*invited.error, {}, ref);
    co_return;
  }
  svc_.hub.send_to_user(
      invited.invitee_id,
      proto::make_frame(proto::invitation_frame(c.channel, user_.username)));
  send(proto::invited_frame(c.channel, invited.invitee_name, ref));
}

awaitable<void> ws_session::on_send(proto::send_cmd& c, const ref_t& ref) {
  chat::outgoing_message m;
  m.user_id = user_.user_id;
  m.from = user_.username;
  m.text = std::move(c.text);
  m.sender_session = id_;
  m.sender_thread = thread_;
  m.ref = ref;
  if (!c.to.empty()) {
    const auto key = model::username_key(c.to);
    auto it = direct_.find(key);
    if (it == direct_.end()) {
      const chat::actor me{user_.user_id, user_.username};
      auto opening = svc_.db.run([me, to = c.to](store::database& db) {
        return chat::open_direct(db, me, to, util::unix_seconds());
      });
      const auto direct = co_await std::move(opening);
      if (direct.error) {
        send_error(*direct.error, {}, ref);
        co_return;
      }
      it = direct_.emplace(key, std::make_pair(direct.channel, direct.peer_id)).first;
    }
    m.channel = it->second.first.name;
    m.channel_id = it->second.first.id;
    m.direct = true;
    m.dm_user_a = user_.user_id;
    m.dm_user_b = it->second.second;
  } else {
    auto it = joined_.find(c.channel);
    if (it == joined_.end()) {
      // forbidden for a channel the user may not use at all, not_joined otherwise.
      const chat::actor me{user_.user_id, user_.username};
      auto checking = svc_.db.run([me, name = c.channel](store::database& db) {
        return chat::open_for_read(db, me, name);
      });
      const auto access = co_await std::move(checking);
      send_error(
          access.error == error::code::forbidden ? error::code::forbidden : error::code::not_joined,
          {}, ref);
      co_return;
    }
    m.channel = c.channel;
    m.channel_id = it->second.channel_id;
  }
  m.ts_ms = util::unix_millis();
  svc_.messages.append(std::move(m));
}

awaitable<void> ws_session::on_history(proto::history_cmd& c, const ref_t& ref) {
  const chat::actor me{user_.user_id, user_.username};
  auto reading =
      svc_.db.run([me, name = c.channel, before = c.before, limit = c.limit](store::database& db) {
        with_access<model::history_page> out{chat::open_for_read(db, me, name)};
        if (!out.access.error) {
          out.value = store::read_history(db, out.access.channel.id, before, limit);
        }
        return out;
      });
  const auto result = co_await std::move(reading);
  if (result.access.error) {
    send_error(*result.access.error, {}, ref);
    co_return;
  }
  send(proto::history_frame(c.channel, result.value, ref));
}

awaitable<void> ws_session::on_seen(proto::seen_cmd& c, const ref_t& ref) {
  const chat::actor me{user_.user_id, user_.username};
  auto marking = svc_.db.run([me, name = c.channel, id = c.id](store::database& db) {
    with_access<std::int64_t> out{chat::open_for_read(db, me, name)};
    if (!out.access.error) {
      out.value = store::advance_read_marker(db, me.id, out.access.channel.id, id);
    }
    return out;
  });
  const auto result = co_await std::move(marking);
  if (result.access.error) {
    send_error(*result.access.error, {}, ref);
    co_return;
  }
  svc_.hub.broadcast(c.channel,
                      proto::make_frame(
                          proto::seen_frame(c.channel, user_.username, result.value, std::nullopt)),
                      id_);
  send(proto::seen_frame(c.channel, user_.username, result.value, ref));
}

void ws_session::on_typing(const proto::typing_cmd& c, const ref_t& ref) {
  if (!joined_.contains(c.channel)) {
    send_error(error::code::not_joined, {}, ref);
    return;
  }
  svc_.hub.broadcast(c.channel,
                      proto::make_frame(
                          proto::user_event_frame("typing", c.channel, user_.username)),
                      id_);
}

awaitable<void> ws_session::on_presence(proto::presence_cmd& c, const ref_t& ref) {
  const chat::actor me{user_.user_id, user_.username};
  auto checking = svc_.db.run(
      [me, name = c.channel](store::database& db) { return chat::open_for_read(db, me, name); });
  const auto access = co_await std::move(checking);
  if (access.error) {
    send_error(*access.error, {}, ref);
    co_return;
  }
  send(proto::presence_frame(c.channel, svc_.hub.present_users(c.channel), ref));
}

awaitable<void> ws_session::on_channels(const ref_t& ref) {
  auto listing = svc_.db.run(
      [uid = user_.user_id](store::database& db) { return store::list_visible_channels(db, uid); });
  const auto channels = co_await std::move(listing);
  send(proto::channels_frame(channels, ref));
}

}  // namespace parley::net
