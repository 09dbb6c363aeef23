#include "parley/chat/directory.hpp"

#include "parley/model/channel_name.hpp"
#include "parley/model/username.hpp"
#include "parley/store/users.hpp"

namespace parley::chat {
namespace {

channel_access fail(error::code code) {
  return {code, {}};
}

/// Creates `dm:a:b` with both memberships, if `who` is a participant and the other user exists.
channel_access create_direct(store::database& db, const actor& who, const std::string& name,
                             std::int64_t now_s) {
  const auto participants = model::dm_participants(name);
  const auto me = model::username_key(who.username);
  if (!participants || (participants->first != me && participants->second != me)) {
    return fail(error::code::forbidden);
  }
  const auto& peer_name = participants->first == me ? participants->second : participants->first;
  const auto peer = store::find_user_by_name(db, peer_name);
  if (!peer) {
    return fail(error::code::not_found);
  }
  store::transaction tx(db);
  auto row = store::create_channel(db, name, "dm", who.id, now_s);
  if (!row) {
    row = store::find_channel(db, name);
  }
  store::add_member(db, row->id, who.id, now_s);
  store::add_member(db, row->id, peer->id, now_s);
  tx.commit();
  return {std::nullopt, *row};
}

}  // namespace

channel_access open_for_join(store::database& db, const actor& who, const std::string& name,
                             std::int64_t now_s) {
  auto row = store::find_channel(db, name);
  if (!row) {
    if (model::dm_participants(name)) {
      return create_direct(db, who, name, now_s);
    }
    if (model::is_server_made(name)) {
      return fail(error::code::not_found);
    }
    {
      // The channel and its first member in one transaction: never a channel nobody joined.
      store::transaction tx(db);
      row = store::create_channel(db, name, "public", who.id, now_s);
      if (row) {
        store::add_member(db, row->id, who.id, now_s);
        tx.commit();
        return {std::nullopt, *row};
      }
    }
    row = store::find_channel(db, name);  // created meanwhile by another instance: its rules
  }
  if (row->is_public()) {
    store::add_member(db, row->id, who.id, now_s);
  } else if (!store::is_member(db, row->id, who.id)) {
    return fail(error::code::forbidden);
  }
  return {std::nullopt, *row};
}

channel_access open_for_read(store::database& db, const actor& who, const std::string& name) {
  const auto row = store::find_channel(db, name);
  if (!row) {
    return fail(error::code::not_found);
  }
  if (!row->is_public() && !store::is_member(db, row->id, who.id)) {
    return fail(error::code::forbidden);
  }
  return {std::nullopt, *row};
}

history_read read_history(store::database& db, const actor& who, const std::string& name,
                          std::optional<std::int64_t> before, int limit) {
  history_read out;
  auto access = open_for_read(db, who, name);
  out.error = access.error;
  if (!out.error) {
    out.page = store::read_history(db, access.channel.id, before, limit);
  }
  return out;
}

marker_update mark_seen(store::database& db, const actor& who, const std::string& name,
                        std::int64_t id) {
  marker_update out;
  auto access = open_for_read(db, who, name);
  out.error = access.error;
  if (!out.error) {
    out.marker = store::advance_read_marker(db, who.id, access.channel.id, id);
  }
  return out;
}

channel_access create_channel(store::database& db, const actor& who, const std::string& name,
                              bool is_private, std::int64_t now_s) {
  store::transaction tx(db);
  const auto row =
      store::create_channel(db, name, is_private ? "private" : "public", who.id, now_s);
  if (!row) {
    return fail(error::code::channel_exists);
  }
  store::add_member(db, row->id, who.id, now_s);
  tx.commit();
  return {std::nullopt, *row};
}

invite_result invite(store::database& db, const actor& who, const std::string& channel,
                     const std::string& invitee, std::int64_t now_s) {
  invite_result out;
  const auto row = store::find_channel(db, channel);
  if (!row) {
    out.error = error::code::not_found;
    return out;
  }
  if (model::is_server_made(row->name) || !store::is_member(db, row->id, who.id)) {
    out.error = error::code::forbidden;
    return out;
  }
  const auto user =
      model::valid_username(invitee) ? store::find_user_by_name(db, invitee) : std::nullopt;
  if (!user) {
    out.error = error::code::unknown_user;
    return out;
  }
  store::add_member(db, row->id, user->id, now_s);
  out.invitee_id = user->id;
  out.invitee_name = user->username;
  return out;
}

direct_channel open_direct(store::database& db, const actor& who, const std::string& to,
                           std::int64_t now_s) {
  direct_channel out;
  const auto peer = model::valid_username(to) ? store::find_user_by_name(db, to) : std::nullopt;
  if (!peer) {
    out.error = error::code::unknown_user;
    return out;
  }
  const auto name = model::dm_channel_name(who.username, peer->username);
  auto row = store::find_channel(db, name);
  if (!row) {
    const auto created = create_direct(db, who, name, now_s);
    if (created.error) {
      out.error = created.error;
      return out;
    }
    row = created.channel;
  }
  out.channel = *row;
  out.peer_id = peer->id;
  return out;
}

channel_access forget_membership(store::database& db, const actor& who, const std::string& name) {
  const auto row = store::find_channel(db, name);
  if (!row) {
    return fail(model::is_server_made(name) ? error::code::forbidden : error::code::not_found);
  }
  if (model::is_server_made(row->name)) {
    return fail(error::code::forbidden);
  }
  store::transaction tx(db);
  store::remove_member(db, row->id, who.id);
  tx.commit();
  return {std::nullopt, *row};
}

model::channel_row create_match(store::database& db, const std::string& name, std::int64_t user_a,
                                std::int64_t user_b, std::int64_t now_s) {
  store::transaction tx(db);
  auto row = store::create_channel(db, name, "match", user_a, now_s);
  if (!row) {
    throw std::runtime_error("match channel " + name + " exists");
  }
  store::add_member(db, row->id, user_a, now_s);
  store::add_member(db, row->id, user_b, now_s);
  tx.commit();
  return *row;
}

}  // namespace parley::chat
