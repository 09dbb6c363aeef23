# Turns static/ (the built-in web client) into a C++ table so the binary serves it with nothing
# else to deploy; PARLEY_STATIC_DIR set to a directory serves that directory instead.
file(GLOB_RECURSE files RELATIVE "${STATIC_DIR}" "${STATIC_DIR}/*")
list(SORT files)
set(body "")
foreach(rel IN LISTS files)
  file(READ "${STATIC_DIR}/${rel}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  # Every byte as an escape: any file (text or image) fits a string literal.
  string(REGEX REPLACE "(..)" "\\\\x\\1" escaped "${hex}")
  string(APPEND body "    {\"/${rel}\", std::string_view(\"${escaped}\", ${size})},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from static/ by cmake/embed_static.cmake; do not edit.
#include \"parley/http/embedded_files.hpp\"

namespace parley::http {

const std::vector<embedded_file>& embedded_files() {
  static const std::vector<embedded_file> all = {
${body}  };
  return all;
}

}  // namespace parley::http
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
