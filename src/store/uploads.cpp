#include "parley/store/uploads.hpp"

#include <algorithm>

namespace parley::store {

void insert_upload(database& db, const model::upload& u) {
  db.prepare(
        "INSERT INTO uploads(id, uploader_id, name, type, size, sha256, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, u.id)
      .bind(2, u.uploader_id)
      .bind(3, u.name)
      .bind(4, u.type)
      .bind(5, u.size)
      .bind(6, u.sha256)
      .bind(7, u.created_at)
      .run();
}

std::optional<model::upload> find_upload(database& db, std::string_view id) {
  auto& q = db.prepare(
      "SELECT id, uploader_id, name, type, size, sha256, created_at FROM uploads WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    return std::nullopt;
  }
  model::upload out{q.column_text(0),  q.column_int64(1), q.column_text(2), q.column_text(3),
                    q.column_int64(4), q.column_text(5),  q.column_int64(6)};
  q.reset();
  return out;
}

bool may_read_upload(database& db, std::string_view id, std::int64_t user_id) {
  // The attachment branch walks message_attachments_by_upload: an upload is attached to few
  // messages, each checked against its channel's kind and the user's membership.
  auto& q = db.prepare(
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM uploads WHERE id = ?1 AND uploader_id = ?2) "
      "OR EXISTS (SELECT 1 FROM message_attachments a JOIN channels c ON c.id = a.channel_id "
      "WHERE a.upload_id = ?1 AND (c.kind = 'public' OR EXISTS (SELECT 1 FROM memberships m "
      "WHERE m.channel_id = a.channel_id AND m.user_id = ?2))) THEN 1 ELSE 0 END");
  q.bind(1, id).bind(2, user_id);
  q.step();
  const bool allowed = q.column_int64(0) != 0;
  q.reset();
  return allowed;
}

std::optional<std::vector<model::attachment>> uploads_of_sender(
    database& db, std::int64_t uploader_id, const std::vector<std::string>& ids) {
  // At most a handful of ids per message: one primary-key lookup each keeps the order.
  auto& q = db.prepare("SELECT name, type, size FROM uploads WHERE id = ? AND uploader_id = ?");
  std::vector<model::attachment> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    q.reset();
    q.bind(1, id).bind(2, uploader_id);
    if (!q.step()) {
      return std::nullopt;
    }
    out.push_back({id, q.column_text(0), q.column_text(1), q.column_int64(2)});
  }
  q.reset();
  return out;
}

void attach_uploads(database& db, std::int64_t channel_id, std::int64_t message_id,
                    const std::vector<model::attachment>& attachments) {
  // Through SELECT: an upload swept since the sender's check is skipped instead of failing the
  // foreign key, which would roll back everyone's messages of the batch.
  auto& insert = db.prepare(
      "INSERT INTO message_attachments(channel_id, message_id, position, upload_id) "
      "SELECT ?, ?, ?, id FROM uploads WHERE id = ?");
  std::int64_t position = 0;
  for (const auto& a : attachments) {
    insert.reset();
    insert.bind(1, channel_id).bind(2, message_id).bind(3, position++).bind(4, a.id).run();
  }
}

void lock_uploads(database& db) {
  if (db.dialect() == dialect::postgres) {
    // Any constant both sides agree on; "parley" in ASCII.
    db.prepare("SELECT pg_advisory_xact_lock(112971080173945)").run();
  }
}

upload_totals stored_upload_totals(database& db) {
  auto& q = db.prepare("SELECT count(*), coalesce(sum(size), 0) FROM uploads");
  q.step();
  const upload_totals totals{q.column_int64(0), q.column_int64(1)};
  q.reset();
  return totals;
}

std::vector<std::string> sweep_uploads(
    database& db, std::int64_t created_before_s,
    const std::function<void(const std::vector<std::string>&)>& remove_files) {
  // Both statements use the same condition; the write lock taken by BEGIN IMMEDIATE keeps the
  // set of matching rows the same between them.
  static constexpr std::string_view expired =
      " FROM uploads AS u WHERE u.created_at < ?1 AND NOT EXISTS "
      "(SELECT 1 FROM message_attachments a WHERE a.upload_id = u.id)";
  transaction tx(db);
  lock_uploads(db);
  std::vector<std::string> candidates;
  {
    auto& q = db.prepare("SELECT DISTINCT u.sha256" + std::string(expired));
    q.bind(1, created_before_s);
    while (q.step()) {
      candidates.push_back(q.column_text(0));
    }
  }
  std::vector<std::string> unreferenced;
  if (!candidates.empty()) {
    db.prepare("DELETE" + std::string(expired)).bind(1, created_before_s).run();
    auto& used = db.prepare("SELECT 1 FROM uploads WHERE sha256 = ? LIMIT 1");
    for (auto& hash : candidates) {
      used.reset();
      used.bind(1, hash);
      if (!used.step()) {
        unreferenced.push_back(std::move(hash));
      }
    }
    used.reset();
  }
  std::sort(unreferenced.begin(), unreferenced.end());
  if (remove_files && !unreferenced.empty()) {
    remove_files(unreferenced);
  }
  tx.commit();
  return unreferenced;
}

}  // namespace parley::store
