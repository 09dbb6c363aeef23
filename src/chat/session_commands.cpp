// The command handlers of a session: one per client frame type (contract: "Client → server").
#include "parley/chat/directory.hpp"
#include "parley/chat/session.hpp"
#include "parley/log/log.hpp"
#include "parley/model/username.hpp"
#include "parley/proto/server_frames.hpp"
#include "parley/store/channels.hpp"
#include "parley/store/uploads.hpp"
#include "parley/util/clock.hpp"
#include "parley/util/random.hpp"

namespace parley::chat {
using boost::asio::awaitable;

awaitable<void> session::on_join(proto::join_cmd& c, const ref_t& ref) {
  auto known = svc_.memberships.member_channel(c.channel, user_.id);
  // A membership forgotten while the store answered makes that answer stale: ask once more.
  for (int attempt = 0; !known && attempt < 2; ++attempt) {
    const auto generation = svc_.memberships.generation();
    const actor me{user_.id, user_.username};
    auto opening = svc_.db.run([me, name = c.channel](store::database& db) {
      return open_for_join(db, me, name, util::unix_seconds());
    });
    const auto access = co_await std::move(opening);
    if (access.error) {
      send_error(*access.error, {}, ref);
      co_return;
    }
    if (svc_.memberships.remember(access.channel, user_.id, generation) || attempt == 1) {
      known = access.channel;
    }
  }
  auto subscribing = subscribe(c.channel, known->id, c.since);
  const bool newly = co_await std::move(subscribing);
  send(proto::channel_reply("joined", c.channel, ref));
  if (c.since) {
    co_await replay(c.channel, *c.since, newly);
  } else {
    send_all(channels_.release(c.channel));
  }
}

awaitable<void> session::on_leave(proto::leave_cmd& c, const ref_t& ref) {
  if (c.forget) {
    const actor me{user_.id, user_.username};
    auto forgetting = svc_.db.run(
        [me, name = c.channel](store::database& db) { return forget_membership(db, me, name); });
    const auto access = co_await std::move(forgetting);
    if (access.error) {
      send_error(*access.error, {}, ref);
      co_return;
    }
    svc_.memberships.forget(c.channel, user_.id);
    svc_.hub.end_membership(user_.id, c.channel, id_);
  } else if (!svc_.hub.is_subscribed(thread_, this, c.channel)) {
    send_error(error::code::not_joined, {}, ref);
    co_return;
  }
  if (svc_.hub.unsubscribe(thread_, this, c.channel)) {
    channels_.unsubscribe(c.channel);
  }
  send(proto::channel_reply("left", c.channel, ref));
}

awaitable<void> session::on_create(proto::create_cmd& c, const ref_t& ref) {
  const actor me{user_.id, user_.username};
  const auto generation = svc_.memberships.generation();
  auto creating = svc_.db.run([me, name = c.channel, priv = c.is_private](store::database& db) {
    return create_channel(db, me, name, priv, util::unix_seconds());
  });
  const auto created = co_await std::move(creating);
  if (created.error) {
    send_error(*created.error, {}, ref);
    co_return;
  }
  svc_.memberships.remember(created.channel, user_.id, generation);
  auto subscribing = subscribe(c.channel, created.channel.id, std::nullopt);
  co_await std::move(subscribing);
  send_all(channels_.release(c.channel));
  send(proto::created_frame(c.channel, c.is_private, ref));
}

awaitable<void> session::on_invite(proto::invite_cmd& c, const ref_t& ref) {
  const actor me{user_.id, user_.username};
  auto inviting = svc_.db.run([me, channel = c.channel, user = c.user](store::database& db) {
    return invite(db, me, channel, user, util::unix_seconds());
  });
  const auto invited = co_await std::move(inviting);
  if (invited.error) {
    send_error(*invited.error, {}, ref);
    co_return;
  }
  svc_.hub.send_to_user(invited.invitee_id,
                        proto::make_frame(proto::invitation_frame(c.channel, user_.username)));
  send(proto::invited_frame(c.channel, invited.invitee_name, ref));
}

awaitable<void> session::on_send(proto::send_cmd& c, const ref_t& ref) {
  outgoing_message m;
  m.user_id = user_.id;
  m.from = user_.username;
  m.text = std::move(c.text);
  if (!c.attachments.empty()) {
    auto checking =
        svc_.db.run([uid = user_.id, ids = std::move(c.attachments)](store::database& db) {
          return store::uploads_of_sender(db, uid, ids);
        });
    auto attachments = co_await std::move(checking);
    if (!attachments) {
      send_error(error::code::not_found, "attachments must be uploads of the sender", ref);
      co_return;
    }
    m.attachments = std::move(*attachments);
  }
  m.sender_session = id_;
  m.sender_thread = thread_;
  m.ref = ref;
  if (!c.to.empty()) {
    const auto key = model::username_key(c.to);
    auto it = direct_.find(key);
    if (it == direct_.end()) {
      const actor me{user_.id, user_.username};
      auto opening = svc_.db.run([me, to = c.to](store::database& db) {
        return open_direct(db, me, to, util::unix_seconds());
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
    m.dm_user_a = user_.id;
    m.dm_user_b = it->second.second;
  } else {
    const auto channel_id = channels_.channel_id(c.channel);
    if (!channel_id) {
      // forbidden for a channel the user may not use at all, not_joined otherwise.
      const actor me{user_.id, user_.username};
      auto checking = svc_.db.run(
          [me, name = c.channel](store::database& db) { return open_for_read(db, me, name); });
      const auto access = co_await std::move(checking);
      send_error(
          access.error == error::code::forbidden ? error::code::forbidden : error::code::not_joined,
          {}, ref);
      co_return;
    }
    m.channel = c.channel;
    m.channel_id = *channel_id;
  }
  m.ts_ms = util::unix_millis();
  svc_.messages.append(std::move(m));
}

awaitable<void> session::on_history(proto::history_cmd& c, const ref_t& ref) {
  const actor me{user_.id, user_.username};
  auto reading =
      svc_.db.run([me, name = c.channel, before = c.before, limit = c.limit](store::database& db) {
        return read_history(db, me, name, before, limit);
      });
  const auto result = co_await std::move(reading);
  if (result.error) {
    send_error(*result.error, {}, ref);
    co_return;
  }
  send(proto::history_frame(c.channel, result.page, ref));
}

awaitable<void> session::on_seen(proto::seen_cmd& c, const ref_t& ref) {
  const actor me{user_.id, user_.username};
  auto marking = svc_.db.run([me, name = c.channel, id = c.id](store::database& db) {
    return mark_seen(db, me, name, id);
  });
  const auto result = co_await std::move(marking);
  if (result.error) {
    send_error(*result.error, {}, ref);
    co_return;
  }
  svc_.hub.broadcast(
      c.channel,
      proto::make_frame(proto::seen_frame(c.channel, user_.username, result.marker, std::nullopt)),
      id_);
  send(proto::seen_frame(c.channel, user_.username, result.marker, ref));
}

void session::on_typing(const proto::typing_cmd& c, const ref_t& ref) {
  if (!channels_.joined(c.channel)) {
    send_error(error::code::not_joined, {}, ref);
    return;
  }
  if (!typing_limiter_.allow(rate_limiter::clock::now())) {
    svc_.metrics.typing_dropped_total.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  svc_.hub.broadcast(
      c.channel, proto::make_frame(proto::user_event_frame("typing", c.channel, user_.username)),
      id_);
}

awaitable<void> session::on_presence(proto::presence_cmd& c, const ref_t& ref) {
  const actor me{user_.id, user_.username};
  auto checking = svc_.db.run(
      [me, name = c.channel](store::database& db) { return open_for_read(db, me, name); });
  const auto access = co_await std::move(checking);
  if (access.error) {
    send_error(*access.error, {}, ref);
    co_return;
  }
  send(proto::presence_frame(c.channel, svc_.hub.present_users(c.channel), ref));
}

awaitable<void> session::on_channels(const ref_t& ref) {
  auto listing = svc_.db.run(
      [uid = user_.id](store::database& db) { return store::list_visible_channels(db, uid); });
  const auto channels = co_await std::move(listing);
  send(proto::channels_frame(channels, ref));
}

awaitable<void> session::on_match(const ref_t& ref) {
  auto asking = svc_.bus.match({user_.id, user_.username, {seat()}});
  std::optional<match_candidate> peer;
  try {
    peer = co_await std::move(asking);
  } catch (const std::exception& e) {
    PARLEY_LOG(warn, "session") << "match for " << user_.username << " failed: " << e.what();
    send_error(error::code::internal, "matching is unavailable, try again", ref);
    co_return;
  }
  if (!peer) {
    send(proto::encode({{"type", "matching"}}, ref));
    waiting_for_match_ = true;
    co_return;
  }
  const auto generation = svc_.memberships.generation();
  auto creating = svc_.db.run([name = "match:" + util::random_hex(8), me = user_.id,
                               them = peer->user_id](store::database& db) {
    return create_match(db, name, me, them, util::unix_seconds());
  });
  const auto channel = co_await std::move(creating);
  send(proto::encode({{"type", "matching"}}, ref));
  svc_.memberships.remember(channel, user_.id, generation);
  svc_.memberships.remember(channel, peer->user_id, generation);
  svc_.bus.announce_match(*peer, channel, user_.username);
  match_made(channel, peer->username);
}

void session::on_unmatch(const ref_t& ref) {
  svc_.bus.unmatch(user_.id);
  waiting_for_match_ = false;
  send(proto::encode({{"type", "unmatched"}}, ref));
}

}  // namespace parley::chat
