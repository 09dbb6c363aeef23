#pragma once

#include "parley/chat/bus.hpp"
#include "parley/chat/hub.hpp"
#include "parley/chat/message_log.hpp"
#include "parley/config/config.hpp"
#include "parley/http/api_context.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/store/store.hpp"

namespace parley::net {

/// What connections and sessions need from the process, owned by the server.
struct services {
  const config::config& cfg;
  store::store& db;
  metrics::registry& metrics;
  chat::hub& hub;
  chat::message_log& messages;
  chat::bus& bus;
  http::api_context& api;  ///< requests, and the authentication of upgrades
};

}  // namespace parley::net
