#include "parley/store/channels.hpp"

#include <algorithm>
#include <limits>

namespace parley::store {

std::vector<channel_summary> list_visible_channels(database& db, std::int64_t user_id) {
  auto& q = db.prepare(
      "SELECT c.name, c.kind, (SELECT COUNT(*) FROM memberships m WHERE m.channel_id = c.id) "
      "FROM channels c WHERE c.kind = 'public' OR EXISTS (SELECT 1 FROM memberships m "
      "WHERE m.channel_id = c.id AND m.user_id = ?) ORDER BY c.name");
  q.bind(1, user_id);
  std::vector<channel_summary> out;
  while (q.step()) {
    out.push_back({q.column_text(0), q.column_text(1) != "public", q.column_int64(2)});
  }
  return out;
}

std::optional<channel_row> find_channel(database& db, std::string_view name) {
  auto& q = db.prepare("SELECT id, name, kind FROM channels WHERE name = ?");
  q.bind(1, name);
  if (!q.step()) {
    return std::nullopt;
  }
  channel_row out{q.column_int64(0), q.column_text(1), q.column_text(2)};
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

history_page read_history(database& db, std::int64_t channel_id, std::optional<std::int64_t> before,
                          int limit) {
  auto& q = db.prepare(
      "SELECT id, sender, text, ts FROM messages WHERE channel_id = ? AND id < ? "
      "ORDER BY id DESC LIMIT ?");
  q.bind(1, channel_id)
      .bind(2, before.value_or(std::numeric_limits<std::int64_t>::max()))
      .bind(3, static_cast<std::int64_t>(limit) + 1);
  history_page page;
  while (q.step()) {
    page.messages.push_back(
        {q.column_int64(0), q.column_text(1), q.column_text(2), q.column_int64(3)});
  }
  if (page.messages.size() > static_cast<std::size_t>(limit)) {
    page.has_more = true;
    page.messages.pop_back();
  }
  std::reverse(page.messages.begin(), page.messages.end());
  return page;
}

}  // namespace parley::store
