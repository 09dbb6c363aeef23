# Turns migrations/NNNN_name.sql into a C++ table so the binary carries its own schema:
# one file to deploy, and the binary always knows the newest version it understands.
file(GLOB sql_files "${MIGRATIONS_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT sql_files)
set(body "")
foreach(f IN LISTS sql_files)
  get_filename_component(name "${f}" NAME_WE)
  string(SUBSTRING "${name}" 0 4 version)
  math(EXPR version "${version} + 0")
  file(READ "${f}" sql)
  string(APPEND body "    {${version}, \"${name}\", R\"parley_sql(${sql})parley_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from migrations/*.sql by cmake/embed_migrations.cmake; do not edit.
#include \"parley/store/migrations.hpp\"

namespace parley::store {

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> all = {
${body}  };
  return all;
}

}  // namespace parley::store
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
