#include "parley/store/users.hpp"

#include "parley/model/username.hpp"

namespace parley::store {

std::optional<user> create_user(database& db, std::string_view username,
                                std::string_view password_hash, std::int64_t now_s) {
  auto& insert = db.prepare(
      "INSERT INTO users(username, username_key, password_hash, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT(username_key) DO NOTHING RETURNING id");
  insert.bind(1, username)
      .bind(2, model::username_key(username))
      .bind(3, password_hash)
      .bind(4, now_s);
  if (!insert.step()) {
    return std::nullopt;
  }
  user out{insert.column_int64(0), std::string(username)};
  insert.reset();
  return out;
}

std::optional<user_credentials> find_credentials(database& db, std::string_view username) {
  auto& q = db.prepare("SELECT id, username, password_hash FROM users WHERE username_key = ?");
  q.bind(1, model::username_key(username));
  if (!q.step()) {
    return std::nullopt;
  }
  user_credentials out{{q.column_int64(0), q.column_text(1)}, q.column_text(2)};
  q.reset();
  return out;
}

std::optional<user> find_user_by_name(database& db, std::string_view username) {
  auto creds = find_credentials(db, username);
  if (!creds) {
    return std::nullopt;
  }
  return std::move(creds->account);
}

std::vector<user> find_users_by_prefix(database& db, std::string_view key_prefix, int limit) {
  // Keys hold only A-Z a-z 0-9 _ . - lower-cased, all below 0x7f: every key with the prefix
  // sorts before the prefix followed by 0x7f.
  auto& q = db.prepare(
      "SELECT id, username FROM users WHERE username_key >= ?1 AND username_key < ?2 "
      "ORDER BY username_key LIMIT ?3");
  q.bind(1, key_prefix).bind(2, std::string(key_prefix) + '\x7f').bind(3, limit);
  std::vector<user> out;
  while (q.step()) {
    out.push_back({q.column_int64(0), q.column_text(1)});
  }
  return out;
}

}  // namespace parley::store
