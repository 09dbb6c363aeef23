#include "parley/store/revoked_tokens.hpp"

namespace parley::store {

void revoke_token(database& db, std::string_view jti, std::int64_t expires_at) {
  db.prepare("INSERT INTO revoked_tokens(jti, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .bind(1, jti)
      .bind(2, expires_at)
      .run();
}

std::vector<std::pair<std::string, std::int64_t>> load_revoked_tokens(database& db,
                                                                      std::int64_t now_s) {
  db.prepare("DELETE FROM revoked_tokens WHERE expires_at <= ?").bind(1, now_s).run();
  std::vector<std::pair<std::string, std::int64_t>> out;
  auto& q = db.prepare("SELECT jti, expires_at FROM revoked_tokens");
  while (q.step()) {
    out.emplace_back(q.column_text(0), q.column_int64(1));
  }
  return out;
}

}  // namespace parley::store
