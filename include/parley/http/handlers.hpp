#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>

#include "parley/auth/jwt.hpp"
#include "parley/http/api_context.hpp"
#include "parley/http/responses.hpp"
#include "parley/http/router.hpp"

namespace parley::http {

/// Routes and answers one request (everything but the WebSocket upgrade), counting it in metrics.
/// `req` must outlive the returned awaitable.
boost::asio::awaitable<reply> handle_request(api_context& svc, const request& req);

/// The caller's claims when the request carries a valid token.
std::optional<auth::claims> authenticate(api_context& svc, const request& req, bool allow_query);

/// True for a request authenticated by the cookie from a foreign origin (contract:
/// PARLEY_ALLOWED_ORIGINS): a /ws upgrade or a POST that must get 403.
bool foreign_cookie_request(const api_context& svc, const request& req);

// One function per endpoint; each answers exactly as the contract's HTTP table says.
boost::asio::awaitable<reply> handle_signup(api_context& svc, const request& req);
boost::asio::awaitable<reply> handle_login(api_context& svc, const request& req);
boost::asio::awaitable<reply> handle_logout(api_context& svc, const request& req);
reply handle_me(api_context& svc, const request& req);
/// POST /api/token: a fresh token (new `exp`, new jti) for the caller's valid one, which stays
/// valid until its own `exp`.
reply handle_token(api_context& svc, const request& req);
boost::asio::awaitable<reply> handle_channels(api_context& svc, const request& req);
boost::asio::awaitable<reply> handle_channel_messages(api_context& svc, const request& req,
                                                      const std::string& channel);
reply handle_static(api_context& svc, const request& req);
boost::asio::awaitable<reply> handle_users(api_context& svc, const request& req);

}  // namespace parley::http
