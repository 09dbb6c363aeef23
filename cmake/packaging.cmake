# The Debian package: `cpack -G DEB` in a build directory writes parley_<version>-1_<arch>.deb
# (docs/install.md). It holds parley (the web client is compiled into it: nothing else to ship)
# and parley-bench, the systemd unit, /etc/parley/parley.env, parley(1) and the documents; its
# maintainer scripts (packaging/postinst, prerm, postrm) make the system user and the token key.
# test/package/package_test.sh builds, inspects, installs and starts it.

set(PARLEY_PACKAGING_DIR "${CMAKE_SOURCE_DIR}/packaging")

# parley.env: every key of .env.example with its comment, commented out at its default, but for
# the paths the package sets. Made from .env.example so the two never disagree.
set(PARLEY_PACKAGE_SETTINGS PARLEY_DB=/var/lib/parley/parley.db
                            PARLEY_UPLOAD_DIR=/var/lib/parley/uploads)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/.env.example"
                                                             "${PARLEY_PACKAGING_DIR}/parley.env.head")
file(READ "${PARLEY_PACKAGING_DIR}/parley.env.head" parley_env)
file(STRINGS "${CMAKE_SOURCE_DIR}/.env.example" example_lines)
set(in_header TRUE)
foreach(line IN LISTS example_lines)
  if(in_header)
    # .env.example's own header (up to its first blank line) is about copying it to ./.env.
    if(line STREQUAL "")
      set(in_header FALSE)
      string(APPEND parley_env "\n")
    endif()
    continue()
  endif()
  if(line MATCHES "^(PARLEY_[A-Z_]+)=")
    set(key "${CMAKE_MATCH_1}")
    set(line "# ${line}")
    foreach(setting IN LISTS PARLEY_PACKAGE_SETTINGS)
      if(setting MATCHES "^${key}=")
        set(line "${setting}")
      endif()
    endforeach()
  endif()
  string(APPEND parley_env "${line}\n")
endforeach()
file(WRITE "${CMAKE_BINARY_DIR}/packaging/parley.env" "${parley_env}")

# parley(1) from the template and `parley --help`, so it lists exactly the binary's options.
set(PARLEY_MAN_PAGE "${CMAKE_BINARY_DIR}/packaging/parley.1.gz")
add_custom_command(
  OUTPUT "${PARLEY_MAN_PAGE}"
  COMMAND sh -c "\"$1\" --help | awk -v version=\"$(\"$1\" --version)\" -f \"$2\" - \"$3\" | gzip -9n > \"$4\""
          man_page $<TARGET_FILE:parley> "${PARLEY_PACKAGING_DIR}/man_page.awk"
          "${PARLEY_PACKAGING_DIR}/parley.1.in" "${PARLEY_MAN_PAGE}"
  DEPENDS parley "${PARLEY_PACKAGING_DIR}/man_page.awk" "${PARLEY_PACKAGING_DIR}/parley.1.in"
  COMMENT "Writing parley(1) from parley --help" VERBATIM)
add_custom_target(parley_man_page ALL DEPENDS "${PARLEY_MAN_PAGE}")

install(TARGETS parley parley-bench RUNTIME DESTINATION bin)
install(FILES "${PARLEY_MAN_PAGE}" DESTINATION share/man/man1)
install(FILES README.md docs/install.md docs/configuration.md docs/http-api.md
              docs/protocol.md docs/security.md docs/cluster.md
        DESTINATION share/doc/parley)
install(FILES "${PARLEY_PACKAGING_DIR}/parley.service" DESTINATION /lib/systemd/system)
# 0640: the statoverride of packaging/postinst gives it to group parley.
install(FILES "${CMAKE_BINARY_DIR}/packaging/parley.env" DESTINATION /etc/parley
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

# Depends: packaging/runtime-packages (the Dockerfile's runtime list too) and adduser for
# postinst.
file(STRINGS "${PARLEY_PACKAGING_DIR}/runtime-packages" runtime_packages REGEX "^[^#]")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${PARLEY_PACKAGING_DIR}/runtime-packages")
list(APPEND runtime_packages adduser)
list(JOIN runtime_packages ", " CPACK_DEBIAN_PACKAGE_DEPENDS)

set(CPACK_PACKAGE_NAME parley)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "parley maintainers <parley@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "chat server over HTTP and WebSocket, with a built-in web client")
set(CPACK_PACKAGE_DESCRIPTION
    "parley serves accounts, channels, direct messages, history, uploads and presence over a JSON HTTP API and WebSocket, on SQLite or PostgreSQL, clustered over Redis. Includes the parley-bench load-test client and a hardened systemd unit.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PARLEY_PACKAGING_DIR}/conffiles" "${PARLEY_PACKAGING_DIR}/postinst"
    "${PARLEY_PACKAGING_DIR}/prerm" "${PARLEY_PACKAGING_DIR}/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_GENERATOR DEB)
include(CPack)
