#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <string>
#include <string_view>

#include "parley/auth/token_service.hpp"
#include "parley/chat/hub.hpp"
#include "parley/chat/local_bus.hpp"
#include "parley/http/api_context.hpp"
#include "parley/http/responses.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/store/store.hpp"
#include "support/temp_dir.hpp"

namespace parley::fuzz {

/// What the HTTP handlers need, in one process without sockets: a SQLite store in a temporary
/// directory holding users alice (id 1) and bob (id 2), channels `general` (public) and `secret`
/// (private, alice only); a static directory beside a file that must never be served; and the
/// I/O thread's io_context, run by the caller for each request.
class http_fuzz_server {
 public:
  /// Tokens for the seed corpus are signed with this secret.
  static constexpr std::string_view jwt_secret = "parley-fuzz-secret";
  /// The content of the file outside the static directory.
  static constexpr std::string_view outside_marker = "PARLEY-FUZZ-OUTSIDE-STATIC-ROOT";

  http_fuzz_server();

  /// Answers `req` with the real handlers, the built-in web client or the static directory
  /// serving files, and returns the response as written to the socket.
  std::string answer(const http::request& req, bool static_from_disk);

 private:
  test::temp_dir dir_;
  store::store store_;
  boost::asio::io_context io_;
  boost::asio::thread_pool hash_pool_{1};
  auth::token_service tokens_{std::string(jwt_secret), 3600};
  metrics::registry metrics_;
  chat::hub hub_;
  chat::local_bus bus_;
  http::api_context builtin_api_;
  http::api_context disk_api_;
};

}  // namespace parley::fuzz
