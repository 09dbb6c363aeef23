#pragma once

#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "parley/auth/password.hpp"
#include "parley/auth/token_service.hpp"
#include "parley/chat/bus.hpp"
#include "parley/chat/hub.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/store/store.hpp"

namespace parley::http {

/// What the HTTP API's handlers use, owned by the server.
struct api_context {
  store::store& db;
  boost::asio::thread_pool& hash_pool;  ///< password hashing, never on an I/O thread
  auth::token_service& tokens;
  metrics::registry& metrics;
  chat::bus& bus;                     ///< tells the other instances of a logout
  chat::hub& hub;                     ///< who is online, on every instance
  bool static_builtin = true;         ///< serve the built-in web client (PARLEY_STATIC_DIR empty)
  std::filesystem::path static_root;  ///< otherwise: canonical; empty when it does not exist
  std::string dummy_password_hash;    ///< verified for unknown users so they cost the same
  std::vector<std::string> allowed_origins;  ///< may use cookie auth besides our own origin
  bool secure_cookies = false;  ///< the listener speaks TLS: cookies get the Secure attribute
  /// The cost of the hashes sign-up stores. The HTTP fuzzer lowers it: at full cost one sign-up
  /// takes as long as thousands of other requests.
  auth::scrypt_params password_cost{};
};

}  // namespace parley::http
