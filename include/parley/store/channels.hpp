#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/model/channel.hpp"
#include "parley/model/message.hpp"
#include "parley/store/database.hpp"

namespace parley::store {

/// Every public channel and every other channel the user is a member of, by name, with unread
/// counts.
std::vector<model::channel_summary> list_visible_channels(database& db, std::int64_t user_id);

/// The channel with this exact name, if any.
std::optional<model::channel_row> find_channel(database& db, std::string_view name);

/// Whether the user is a member of the channel.
bool is_member(database& db, std::int64_t channel_id, std::int64_t user_id);

/// Inserts a channel; nullopt when the name exists.
std::optional<model::channel_row> create_channel(database& db, std::string_view name,
                                                 std::string_view kind, std::int64_t creator_id,
                                                 std::int64_t now_s);

/// Makes the user a member (idempotent).
void add_member(database& db, std::int64_t channel_id, std::int64_t user_id, std::int64_t now_s);

/// Ends the user's membership and deletes their read marker for the channel (leave with
/// forget). Two statements: wrap it in a transaction where both must happen or neither.
void remove_member(database& db, std::int64_t channel_id, std::int64_t user_id);

/// Moves the user's read marker forward to `id` (never back, never past the channel's last
/// message) and returns the stored marker.
std::int64_t advance_read_marker(database& db, std::int64_t user_id, std::int64_t channel_id,
                                 std::int64_t id);

/// Inside the caller's write transaction, advances the channel's sequence by `count` and returns
/// the first of the ids reserved. The lock this takes (SQLite's write lock, PostgreSQL's row
/// lock) is held to COMMIT: it orders every instance's batches in the channel. Throws
/// database_error when the channel does not exist.
std::int64_t reserve_message_ids(database& db, std::int64_t channel_id, std::int64_t count);

/// The id of the channel's newest message (0 when none): its message sequence.
std::int64_t last_message_id(database& db, std::int64_t channel_id);

/// Up to `limit` messages with id > after, oldest first, with their attachments.
std::vector<model::stored_message> read_after(database& db, std::int64_t channel_id,
                                              std::int64_t after, int limit);

/// At most `limit` messages with id < before (newest ones when no before), oldest first, with
/// their attachments.
model::history_page read_history(database& db, std::int64_t channel_id,
                                 std::optional<std::int64_t> before, int limit);

}  // namespace parley::store
