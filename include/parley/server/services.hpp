#pragma once

#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <string>

#include "parley/auth/token_service.hpp"
#include "parley/chat/hub.hpp"
#include "parley/chat/message_log.hpp"
#include "parley/cluster/bus.hpp"
#include "parley/config/config.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/store/store.hpp"

namespace parley::server {

/// What request handlers and sessions need from the process, owned by server::server.
struct services {
  const config::config& cfg;
  store::store& db;
  boost::asio::thread_pool& hash_pool;  ///< password hashing, never on an I/O thread
  auth::token_service& tokens;
  metrics::registry& metrics;
  std::filesystem::path static_root;  ///< canonical; empty when the directory does not exist
  std::string dummy_password_hash;    ///< verified for unknown users so they cost the same
  chat::hub* hub = nullptr;
  chat::message_log* messages = nullptr;
  cluster::bus* cluster = nullptr;  ///< null when standalone
};

}  // namespace parley::server
