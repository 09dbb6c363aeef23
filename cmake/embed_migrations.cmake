# Turns migrations/NNNN_name.sql (SQLite) and migrations/postgres/NNNN_name.sql (PostgreSQL) into
# C++ tables so the binary carries its own schema: one file to deploy, and the binary always
# knows the newest version it understands.
function(migration_table dir out_var)
  file(GLOB sql_files "${dir}/[0-9][0-9][0-9][0-9]_*.sql")
  list(SORT sql_files)
  set(body "")
  foreach(f IN LISTS sql_files)
    get_filename_component(name "${f}" NAME_WE)
    string(SUBSTRING "${name}" 0 4 version)
    math(EXPR version "${version} + 0")
    file(READ "${f}" sql)
    string(APPEND body "      {${version}, \"${name}\", R\"parley_sql(${sql})parley_sql\"},\n")
  endforeach()
  set(${out_var} "${body}" PARENT_SCOPE)
endfunction()

migration_table("${MIGRATIONS_DIR}" sqlite_body)
migration_table("${MIGRATIONS_DIR}/postgres" postgres_body)
file(WRITE "${OUTPUT}.tmp" "// Generated from migrations/ by cmake/embed_migrations.cmake; do not edit.
#include \"parley/store/migrations.hpp\"

namespace parley::store {

const std::vector<migration>& embedded_migrations(dialect d) {
  static const std::vector<migration> sqlite = {
${sqlite_body}  };
  static const std::vector<migration> postgres = {
${postgres_body}  };
  return d == dialect::postgres ? postgres : sqlite;
}

}  // namespace parley::store
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
