#include <boost/json.hpp>

#include "parley/auth/credentials.hpp"
#include "parley/auth/password.hpp"
#include "parley/http/handlers.hpp"
#include "parley/http/origin.hpp"
#include "parley/http/token_source.hpp"
#include "parley/model/username.hpp"
#include "parley/store/revoked_tokens.hpp"
#include "parley/store/users.hpp"
#include "parley/util/clock.hpp"
#include "parley/util/offload.hpp"

namespace parley::http {
namespace json = boost::json;
namespace beast_http = boost::beast::http;
using boost::asio::awaitable;
using status = beast_http::status;

namespace {

/// The {"username","password"} body both signup and login take.
struct credentials_body {
  std::string username;
  std::string password;
};

std::optional<credentials_body> parse_credentials(const request& req) {
  json::error_code ec;
  const auto v = json::parse(req.body(), ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  const auto* user = v.as_object().if_contains("username");
  const auto* pass = v.as_object().if_contains("password");
  if (user == nullptr || pass == nullptr || !user->is_string() || !pass->is_string()) {
    return std::nullopt;
  }
  return credentials_body{std::string(user->as_string()), std::string(pass->as_string())};
}

json::object user_json(std::int64_t id, const std::string& name) {
  return {{"id", id}, {"username", name}};
}

std::string cookie_attributes(const api_context& svc) {
  // Secure only over our own TLS: behind a TLS proxy the browser may reach us over plain HTTP.
  return svc.secure_cookies ? "; Path=/; HttpOnly; SameSite=Lax; Secure"
                            : "; Path=/; HttpOnly; SameSite=Lax";
}

/// The answer to a login or a renewal: a new token for the user, in the body and the cookie.
response token_response(api_context& svc, const request& req, std::int64_t user_id,
                        const std::string& username) {
  auto [token, claims] = svc.tokens.issue(user_id, username, util::unix_seconds());
  auto res = json_response(req, status::ok,
                           {{"token", token},
                            {"expires_at", claims.expires_at},
                            {"user", user_json(user_id, username)}});
  res.set(beast_http::field::set_cookie, "parley_token=" + token + cookie_attributes(svc));
  return res;
}

}  // namespace

bool foreign_cookie_request(const api_context& svc, const request& req) {
  return uses_cookie_auth(req[beast_http::field::authorization], req[beast_http::field::cookie]) &&
         !origin_allowed(req[beast_http::field::origin], req[beast_http::field::host],
                         svc.allowed_origins);
}

std::optional<auth::claims> authenticate(api_context& svc, const request& req, bool allow_query) {
  const auto token = extract_token(req[beast_http::field::authorization],
                                   req[beast_http::field::cookie], req.target(), allow_query);
  if (token.empty()) {
    return std::nullopt;
  }
  return svc.tokens.verify(token, util::unix_seconds());
}

awaitable<reply> handle_signup(api_context& svc, const request& req) {
  const auto body = parse_credentials(req);
  if (!body) {
    co_return make_reply(error_response(req, status::bad_request, error::code::bad_request,
                                        "expected {\"username\":string,\"password\":string}"));
  }
  if (!model::valid_username(body->username)) {
    co_return make_reply(error_response(req, status::bad_request, error::code::invalid_username));
  }
  if (!auth::valid_password(body->password)) {
    co_return make_reply(error_response(req, status::bad_request, error::code::invalid_password));
  }
  // A taken name is answered before paying for a hash; the insert below still decides races.
  auto lookup = svc.db.run([name = body->username](store::database& db) {
    return store::find_credentials(db, name).has_value();
  });
  const bool taken = co_await std::move(lookup);
  if (taken) {
    co_return make_reply(error_response(req, status::conflict, error::code::username_taken));
  }
  auto hashing = util::offload(
      svc.hash_pool.get_executor(),
      [pw = body->password, cost = svc.password_cost] { return auth::hash_password(pw, cost); });
  auto hash = co_await std::move(hashing);
  auto insert = svc.db.run([name = body->username, hash = std::move(hash)](store::database& db) {
    return store::create_user(db, name, hash, util::unix_seconds());
  });
  const auto created = co_await std::move(insert);
  if (!created) {
    co_return make_reply(error_response(req, status::conflict, error::code::username_taken));
  }
  co_return make_reply(
      json_response(req, status::created, {{"user", user_json(created->id, created->username)}}));
}

awaitable<reply> handle_login(api_context& svc, const request& req) {
  const auto body = parse_credentials(req);
  if (!body) {
    co_return make_reply(error_response(req, status::bad_request, error::code::bad_request,
                                        "expected {\"username\":string,\"password\":string}"));
  }
  auto lookup = svc.db.run(
      [name = body->username](store::database& db) { return store::find_credentials(db, name); });
  auto creds = co_await std::move(lookup);
  // Unknown users cost one scrypt too, so timing does not tell which names exist.
  auto verifying = util::offload(
      svc.hash_pool.get_executor(),
      [pw = body->password, stored = creds ? creds->password_hash : svc.dummy_password_hash] {
        return auth::verify_password(pw, stored);
      });
  const bool password_ok = co_await std::move(verifying);
  if (!creds || !password_ok) {
    co_return make_reply(
        error_response(req, status::unauthorized, error::code::invalid_credentials));
  }
  co_return make_reply(token_response(svc, req, creds->account.id, creds->account.username));
}

awaitable<reply> handle_logout(api_context& svc, const request& req) {
  if (foreign_cookie_request(svc, req)) {
    co_return make_reply(error_response(req, status::forbidden, error::code::forbidden,
                                        "cookie authentication from a foreign origin"));
  }
  if (const auto claims = authenticate(svc, req, false)) {
    auto revoking = svc.db.run([jti = claims->jti, exp = claims->expires_at](store::database& db) {
      store::revoke_token(db, jti, exp);
    });
    co_await std::move(revoking);
    svc.tokens.revoke(claims->jti, claims->expires_at, util::unix_seconds());
    svc.bus.token_revoked(claims->jti, claims->expires_at);
  }
  response res(status::no_content, req.version());
  common_headers(res.base());
  res.set(beast_http::field::cache_control, "no-store");
  res.set(beast_http::field::set_cookie, "parley_token=" + cookie_attributes(svc) + "; Max-Age=0");
  res.keep_alive(req.keep_alive());
  co_return make_reply(std::move(res));
}

reply handle_token(api_context& svc, const request& req) {
  const auto claims = authenticate(svc, req, false);
  if (!claims) {
    return make_reply(error_response(req, status::unauthorized, error::code::unauthorized));
  }
  if (foreign_cookie_request(svc, req)) {
    return make_reply(error_response(req, status::forbidden, error::code::forbidden,
                                     "cookie authentication from a foreign origin"));
  }
  return make_reply(token_response(svc, req, claims->user_id, claims->username));
}

reply handle_me(api_context& svc, const request& req) {
  const auto claims = authenticate(svc, req, false);
  if (!claims) {
    return make_reply(error_response(req, status::unauthorized, error::code::unauthorized));
  }
  return make_reply(
      json_response(req, status::ok, {{"user", user_json(claims->user_id, claims->username)}}));
}

}  // namespace parley::http
