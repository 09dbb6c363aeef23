#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "parley/store/database.hpp"

namespace parley::store {

/// One schema step from migrations/NNNN_name.sql (SQLite) or migrations/postgres/NNNN_name.sql.
struct migration {
  int version;
  std::string name;
  std::string sql;
};

/// The migrations compiled into this binary for the dialect, ascending by version.
const std::vector<migration>& embedded_migrations(dialect d);

/// The database's schema is newer than this binary knows, or a step failed.
struct migration_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What migrate() did.
struct migrate_outcome {
  int from_version = 0;
  int to_version = 0;
};

/// Applies every step newer than the database's version, each in its own transaction, recording
/// it in schema_migrations. Refuses a database whose version is newer than the newest step.
/// Instances starting together migrate one at a time: SQLite's write lock, or on PostgreSQL an
/// advisory lock held for the whole run, keeps the others waiting.
migrate_outcome migrate(database& db, const std::vector<migration>& steps);

}  // namespace parley::store
