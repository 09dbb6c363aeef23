#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>

#include <vector>

#include "parley/auth/attempt_limiter.hpp"
#include "parley/chat/session.hpp"
#include "parley/config/config.hpp"
#include "parley/http/api_context.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/net/token_sessions.hpp"
#include "parley/tls/context_store.hpp"

namespace parley::net {

/// What connections and sessions need from the process, owned by the server.
struct services {
  const config::config& cfg;
  metrics::registry& metrics;
  chat::session_services& chat;     ///< the sessions' chat logic
  http::api_context& api;           ///< requests, and the authentication of upgrades
  token_sessions& by_token;         ///< ends sessions whose token is revoked or expires
  boost::asio::thread_pool& files;  ///< upload file reads and writes, never on an I/O thread
  tls::context_store* tls;          ///< null: plain HTTP and WebSocket
  auth::attempt_limiter& sign_ins;  ///< sign-ups and logins per client address
  const std::vector<boost::asio::ip::address>& trusted_proxies;
};

}  // namespace parley::net
