# One library per module, with its dependencies declared.
#
#   parley_module(<name> [DEPS <module>...] [LIBS <target>...] [SOURCES <extra>...])
#
# builds parley_<name> from src/<name>/*.cpp. Its headers (include/parley/<name>/) reach the
# compiler only through a per-module include directory in the build tree, which the target
# exports to the modules that declare it in DEPS (and, transitively, to theirs). A file that
# includes a header of a module it does not depend on — an include that runs back up the
# layers — therefore fails to compile with "No such file or directory".
function(parley_module name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "DEPS;LIBS;SOURCES")
  set(view "${CMAKE_BINARY_DIR}/module_include/${name}")
  if(NOT EXISTS "${view}/parley/${name}")
    file(MAKE_DIRECTORY "${view}/parley")
    file(CREATE_LINK "${CMAKE_SOURCE_DIR}/include/parley/${name}" "${view}/parley/${name}"
         SYMBOLIC)
  endif()
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/src/${name}/*.cpp")
  add_library(parley_${name} STATIC ${sources} ${arg_SOURCES})
  target_include_directories(parley_${name} PUBLIC "${view}")
  list(TRANSFORM arg_DEPS PREPEND parley_)
  target_link_libraries(parley_${name} PUBLIC parley_boost ${arg_DEPS} ${arg_LIBS})
  target_precompile_headers(parley_${name} REUSE_FROM parley_boost)
endfunction()
