#include "parley/store/channels.hpp"

#include <algorithm>
#include <limits>

namespace parley::store {

namespace {

/// Fills the attachments of a page of one channel's messages, sorted by id: one range scan of
/// message_attachments' primary key, none for an empty page.
void fill_attachments(database& db, std::int64_t channel_id,
                      std::vector<model::stored_message>& page) {
  if (page.empty()) {
    return;
  }
  auto& q = db.prepare(
      "SELECT a.message_id, u.id, u.name, u.type, u.size FROM message_attachments a "
      "JOIN uploads u ON u.id = a.upload_id "
      "WHERE a.channel_id = ? AND a.message_id BETWEEN ? AND ? "
      "ORDER BY a.message_id, a.position");
  q.bind(1, channel_id).bind(2, page.front().id).bind(3, page.back().id);
  // Both sides ascend by message id: one merge pass.
  auto it = page.begin();
  while (q.step()) {
    const auto message_id = q.column_int64(0);
    while (it != page.end() && it->id < message_id) {
      ++it;
    }
    if (it == page.end()) {
      break;
    }
    if (it->id == message_id) {
      it->attachments.push_back(
          {q.column_text(1), q.column_text(2), q.column_text(3), q.column_int64(4)});
    }
  }
  q.reset();
}

}  // namespace

std::vector<model::channel_summary> list_visible_channels(database& db, std::int64_t user_id) {
  // Ids are dense per channel (the message log numbers them without gaps), so the unread count
  // is a subtraction, not a scan.
  auto& q = db.prepare(
      "SELECT c.name, c.kind, (SELECT COUNT(*) FROM memberships m WHERE m.channel_id = c.id), "
      "CASE WHEN mine.user_id IS NULL THEN 0 "
      "ELSE c.last_message_id - COALESCE(r.message_id, 0) END "
      "FROM channels c "
      "LEFT JOIN memberships mine ON mine.channel_id = c.id AND mine.user_id = ?1 "
      "LEFT JOIN read_markers r ON r.channel_id = c.id AND r.user_id = ?1 "
      "WHERE c.kind = 'public' OR mine.user_id IS NOT NULL ORDER BY c.name");
  q.bind(1, user_id);
  std::vector<model::channel_summary> out;
  while (q.step()) {
    out.push_back(
        {q.column_text(0), q.column_text(1) != "public", q.column_int64(2), q.column_int64(3)});
  }
  return out;
}

std::optional<model::channel_row> find_channel(database& db, std::string_view name) {
  auto& q = db.prepare("SELECT id, name, kind FROM channels WHERE name = ?");
  q.bind(1, name);
  if (!q.step()) {
    return std::nullopt;
  }
  model::channel_row out{q.column_int64(0), q.column_text(1), q.column_text(2)};
  q.reset();
  return out;
}

bool is_member(database& db, std::int64_t channel_id, std::int64_t user_id) {
  auto& q = db.prepare("SELECT 1 FROM memberships WHERE channel_id = ? AND user_id = ?");
  q.bind(1, channel_id).bind(2, user_id);
  const bool found = q.step();
  q.reset();
  return found;
}

std::optional<model::channel_row> create_channel(database& db, std::string_view name,
                                                 std::string_view kind, std::int64_t creator_id,
                                                 std::int64_t now_s) {
  auto& q = db.prepare(
      "INSERT INTO channels(name, kind, created_by, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT(name) DO NOTHING RETURNING id");
  q.bind(1, name).bind(2, kind).bind(3, creator_id).bind(4, now_s);
  if (!q.step()) {
    return std::nullopt;
  }
  model::channel_row out{q.column_int64(0), std::string(name), std::string(kind)};
  q.reset();
  return out;
}

void add_member(database& db, std::int64_t channel_id, std::int64_t user_id, std::int64_t now_s) {
  db.prepare(
        "INSERT INTO memberships(channel_id, user_id, joined_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING")
      .bind(1, channel_id)
      .bind(2, user_id)
      .bind(3, now_s)
      .run();
}

void remove_member(database& db, std::int64_t channel_id, std::int64_t user_id) {
  db.prepare("DELETE FROM memberships WHERE channel_id = ? AND user_id = ?")
      .bind(1, channel_id)
      .bind(2, user_id)
      .run();
  db.prepare("DELETE FROM read_markers WHERE user_id = ? AND channel_id = ?")
      .bind(1, user_id)
      .bind(2, channel_id)
      .run();
}

std::int64_t advance_read_marker(database& db, std::int64_t user_id, std::int64_t channel_id,
                                 std::int64_t id) {
  // CASE rather than MIN/MAX: SQLite's two-argument MIN is LEAST in PostgreSQL. The casts type
  // the parameters for PostgreSQL, which cannot infer them in a SELECT list.
  auto& q = db.prepare(
      "INSERT INTO read_markers(user_id, channel_id, message_id) "
      "SELECT CAST(?1 AS BIGINT), id, CASE WHEN CAST(?3 AS BIGINT) < last_message_id THEN ?3 "
      "ELSE last_message_id END FROM channels WHERE id = ?2 "
      "ON CONFLICT(user_id, channel_id) DO UPDATE SET message_id = "
      "CASE WHEN excluded.message_id > read_markers.message_id THEN excluded.message_id "
      "ELSE read_markers.message_id END");
  q.bind(1, user_id).bind(2, channel_id).bind(3, id).run();
  // Read back rather than RETURNING: SQLite builds a temporary table for every RETURNING.
  auto& marker =
      db.prepare("SELECT message_id FROM read_markers WHERE user_id = ? AND channel_id = ?");
  marker.bind(1, user_id).bind(2, channel_id);
  const auto out = marker.step() ? marker.column_int64(0) : 0;
  marker.reset();
  return out;
}

std::int64_t reserve_message_ids(database& db, std::int64_t channel_id, std::int64_t count) {
  std::int64_t last = 0;
  if (db.dialect() == dialect::postgres) {
    // One round trip, and the row lock it takes orders every instance's batches.
    auto& q = db.prepare(
        "UPDATE channels SET last_message_id = last_message_id + ? WHERE id = ? "
        "RETURNING last_message_id");
    q.bind(1, count).bind(2, channel_id);
    if (!q.step()) {
      throw database_error(database_error::kind::other,
                           "channel " + std::to_string(channel_id) + " is gone");
    }
    last = q.column_int64(0);
    q.reset();
  } else {
    // Two statements rather than RETURNING, which makes SQLite build and drop a temporary table
    // each time: measured, that churn cost the cycle benchmark a third of its rate.
    auto& bump =
        db.prepare("UPDATE channels SET last_message_id = last_message_id + ? WHERE id = ?");
    bump.bind(1, count).bind(2, channel_id).run();
    last = last_message_id(db, channel_id);
  }
  return last - count + 1;
}

std::int64_t last_message_id(database& db, std::int64_t channel_id) {
  auto& q = db.prepare("SELECT last_message_id FROM channels WHERE id = ?");
  q.bind(1, channel_id);
  const auto last = q.step() ? q.column_int64(0) : 0;
  q.reset();
  return last;
}

std::vector<model::stored_message> read_after(database& db, std::int64_t channel_id,
                                              std::int64_t after, int limit) {
  auto& q = db.prepare(
      "SELECT id, sender, text, ts FROM messages WHERE channel_id = ? AND id > ? "
      "ORDER BY id LIMIT ?");
  q.bind(1, channel_id).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  std::vector<model::stored_message> out;
  while (q.step()) {
    out.push_back({q.column_int64(0), q.column_text(1), q.column_text(2), q.column_int64(3)});
  }
  fill_attachments(db, channel_id, out);
  return out;
}

model::history_page read_history(database& db, std::int64_t channel_id,
                                 std::optional<std::int64_t> before, int limit) {
  auto& q = db.prepare(
      "SELECT id, sender, text, ts FROM messages WHERE channel_id = ? AND id < ? "
      "ORDER BY id DESC LIMIT ?");
  q.bind(1, channel_id)
      .bind(2, before.value_or(std::numeric_limits<std::int64_t>::max()))
      .bind(3, static_cast<std::int64_t>(limit) + 1);
  model::history_page page;
  while (q.step()) {
    page.messages.push_back(
        {q.column_int64(0), q.column_text(1), q.column_text(2), q.column_int64(3)});
  }
  if (page.messages.size() > static_cast<std::size_t>(limit)) {
    page.has_more = true;
    page.messages.pop_back();
  }
  std::reverse(page.messages.begin(), page.messages.end());
  fill_attachments(db, channel_id, page.messages);
  return page;
}

}  // namespace parley::store
