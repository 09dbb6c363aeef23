#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "parley/error/code.hpp"
#include "parley/store/channels.hpp"
#include "parley/store/database.hpp"

namespace parley::chat {

/// The caller of a directory operation.
struct actor {
  std::int64_t id = 0;
  std::string username;
};

/// A channel the actor may use, or the error code that says why not.
struct channel_access {
  std::optional<error::code> error;
  model::channel_row channel;
};

// The contract's access rules, decided on the store thread in one hop each.

/// join: creates a public channel on first join (and the DM channel for a participant); the
/// actor becomes a member of a public channel; private and server-made ones need membership.
channel_access open_for_join(store::database& db, const actor& who, const std::string& name,
                             std::int64_t now_s);

/// history, presence, seen: public channels need nothing, others membership; not_found when
/// the channel does not exist.
channel_access open_for_read(store::database& db, const actor& who, const std::string& name);

/// A history page the actor may read, or why not.
struct history_read {
  std::optional<error::code> error;
  model::history_page page;
};

/// history (WebSocket and HTTP): the read rule, then at most `limit` messages before `before`.
history_read read_history(store::database& db, const actor& who, const std::string& name,
                          std::optional<std::int64_t> before, int limit);

/// The actor's read marker after a `seen`, or why it may not mark the channel.
struct marker_update {
  std::optional<error::code> error;
  std::int64_t marker = 0;
};

/// seen: the read rule, then the marker moved forward to `id`.
marker_update mark_seen(store::database& db, const actor& who, const std::string& name,
                        std::int64_t id);

/// create: the actor becomes a member; channel_exists if taken.
channel_access create_channel(store::database& db, const actor& who, const std::string& name,
                              bool is_private, std::int64_t now_s);

/// The invitee of a successful invite.
struct invite_result {
  std::optional<error::code> error;
  std::int64_t invitee_id = 0;
  std::string invitee_name;  ///< as registered
};

/// invite: the inviter must be a member; server-made channels take no invitations.
invite_result invite(store::database& db, const actor& who, const std::string& channel,
                     const std::string& invitee, std::int64_t now_s);

/// The DM channel for a send with `to`, created with both memberships on first use.
struct direct_channel {
  std::optional<error::code> error;
  model::channel_row channel;
  std::int64_t peer_id = 0;
};

direct_channel open_direct(store::database& db, const actor& who, const std::string& to,
                           std::int64_t now_s);

/// leave with forget: ends the actor's membership (and read marker); server-made channels cannot
/// be forgotten. Not being a member is no error: the caller answers `left` all the same.
channel_access forget_membership(store::database& db, const actor& who, const std::string& name);

/// A random match: the server-made channel `name` (`match:<id>`) with its two participants as
/// its only members.
model::channel_row create_match(store::database& db, const std::string& name, std::int64_t user_a,
                                std::int64_t user_b, std::int64_t now_s);

}  // namespace parley::chat
