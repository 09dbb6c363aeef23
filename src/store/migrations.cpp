#include "parley/store/migrations.hpp"

#include "parley/util/clock.hpp"

namespace parley::store {

namespace {

/// Holds PostgreSQL's session-level advisory lock for migrations while it lives.
class migration_lock {
 public:
  explicit migration_lock(database& db) : db_(db) {
    if (db_.dialect() == dialect::postgres) {
      db_.exec("SELECT pg_advisory_lock(1885434739)");  // "parl" in ASCII
    }
  }
  migration_lock(const migration_lock&) = delete;
  migration_lock& operator=(const migration_lock&) = delete;
  ~migration_lock() {
    if (db_.dialect() == dialect::postgres) {
      try {
        db_.exec("SELECT pg_advisory_unlock(1885434739)");
      } catch (const std::exception&) {
        // The connection is gone, and the lock with it.
      }
    }
  }

 private:
  database& db_;
};

}  // namespace

migrate_outcome migrate(database& db, const std::vector<migration>& steps) {
  const migration_lock lock(db);
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  migrate_outcome out;
  {
    auto& q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    q.step();
    out.from_version = static_cast<int>(q.column_int64(0));
    q.reset();
  }
  const int newest = steps.empty() ? 0 : steps.back().version;
  if (out.from_version > newest) {
    throw migration_error("database schema version " + std::to_string(out.from_version) +
                          " is newer than this binary supports (" + std::to_string(newest) +
                          "); use a newer parley");
  }
  out.to_version = out.from_version;
  for (const auto& step : steps) {
    if (step.version <= out.from_version) {
      continue;
    }
    try {
      transaction tx(db);
      // Another instance sharing the file may have applied it since the check above.
      auto& applied = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
      applied.bind(1, step.version);
      const bool done = applied.step();
      applied.reset();
      if (done) {
        out.to_version = step.version;
        continue;
      }
      db.exec(step.sql);
      db.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)")
          .bind(1, step.version)
          .bind(2, step.name)
          .bind(3, util::unix_seconds())
          .run();
      tx.commit();
    } catch (const database_error& e) {
      throw migration_error("migration " + step.name + " failed: " + e.what());
    }
    out.to_version = step.version;
  }
  return out;
}

}  // namespace parley::store
