// Forged, altered, stale and oversized tokens against the real server: each is refused with
// 401 unauthorized on the HTTP routes and on the /ws upgrade, however it is carried, and the
// server goes on serving valid tokens. Tokens are built here with OpenSSL, not with the server's
// code, so a flaw there cannot hide in both.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include <chrono>

#include "support/chat_server.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
using boost::beast::http::verb;
namespace json = boost::json;

namespace {

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string b64url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') {
    out.pop_back();
  }
  for (auto& c : out) {
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

const json::object hs256{{"alg", "HS256"}, {"typ", "JWT"}};

/// header.payload.signature with HMAC over `md` under `key` (the server's secret by default).
std::string sign(const json::object& header, const json::object& payload,
                 const EVP_MD* md = EVP_sha256(), std::string_view key = test_jwt_secret) {
  const auto input = b64url(json::serialize(header)) + "." + b64url(json::serialize(payload));
  return input + "." + b64url(hmac(md, key, input));
}

/// The claims the server itself issues, valid for an hour: each test changes one thing.
json::object claims_of(std::int64_t user_id, const std::string& name) {
  const auto now = now_s();
  return {{"sub", std::to_string(user_id)},
          {"name", name},
          {"iat", now},
          {"exp", now + 3600},
          {"jti", "forged" + std::to_string(user_id)}};
}

std::string part(const std::string& token, int index) {
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  return index == 0   ? token.substr(0, d1)
         : index == 1 ? token.substr(d1 + 1, d2 - d1 - 1)
                      : token.substr(d2 + 1);
}

/// A test's server with alice logged in the ordinary way.
struct fixture {
  chat_server server;
  std::string token = server.token("alice");
  std::int64_t id = http_call(server.port(), verb::get, "/api/me", "", bearer(token))
                        .json()
                        .at("user")
                        .at("id")
                        .as_int64();

  std::uint16_t port() const { return server.port(); }
  unsigned me_status(const std::string& t) const {
    return http_call(port(), verb::get, "/api/me", "", bearer(t)).status;
  }
};

/// Every route and every carrier refuses this token with 401 unauthorized, also when alice's
/// valid cookie comes with it: a Bearer token that fails is not replaced by the cookie.
void check_refused_everywhere(const fixture& f, const std::string& token) {
  INFO("token: " << token.substr(0, 300));
  const auto port = f.port();
  const std::map<std::string, std::string> cookie{{"Cookie", "parley_token=" + token}};
  check_error(http_call(port, verb::get, "/api/me", "", bearer(token)), 401, "unauthorized");
  check_error(http_call(port, verb::get, "/api/me", "", cookie), 401, "unauthorized");
  check_error(http_call(port, verb::get, "/api/channels", "", bearer(token)), 401, "unauthorized");
  check_error(http_call(port, verb::post, "/api/token", "", bearer(token)), 401, "unauthorized");
  auto with_valid_cookie = bearer(token);
  with_valid_cookie["Cookie"] = "parley_token=" + f.token;
  check_error(http_call(port, verb::get, "/api/me", "", with_valid_cookie), 401, "unauthorized");
  check_error(ws_upgrade(port, "/ws", bearer(token)), 401, "unauthorized");
  check_error(ws_upgrade(port, "/ws", cookie), 401, "unauthorized");
  check_error(ws_upgrade(port, "/ws?token=" + token), 401, "unauthorized");
}

/// The server still answers alice's real token over HTTP and WebSocket.
void check_still_serves(fixture& f) {
  CHECK(f.me_status(f.token) == 200);
  auto c = f.server.connect("alice");
  CHECK(c->request({{"type", "ping"}}).at("type").as_string() == "pong");
}

}  // namespace

TEST_CASE("JWT: tokens built here are accepted when right, so each refusal below means something") {
  fixture f;
  const auto forged_right = sign(hs256, claims_of(f.id, "alice"));
  const auto me = http_call(f.port(), verb::get, "/api/me", "", bearer(forged_right));
  REQUIRE(me.status == 200);
  CHECK(me.json().at("user").at("id").as_int64() == f.id);
  CHECK(ws_upgrade(f.port(), "/ws?token=" + forged_right).status == 101);
  CHECK(ws_upgrade(f.port(), "/ws", bearer(forged_right)).status == 101);
  // The server's own header is this one, byte for byte: the tampering below keeps it.
  CHECK(part(f.token, 0) == b64url(json::serialize(hs256)));
}

TEST_CASE("JWT: alg none, with and without a signature, and other alg spellings are refused") {
  fixture f;
  const auto claims = claims_of(f.id, "alice");
  for (const json::value& alg :
       json::array{json::value("none"), json::value("None"), json::value("NONE"),
                   json::value("hs256"), json::value("HS256 "), json::value(""),
                   json::value(nullptr), json::value(json::array{"HS256"})}) {
    INFO("alg " << json::serialize(alg));
    const json::object header{{"alg", alg}, {"typ", "JWT"}};
    const auto input = b64url(json::serialize(header)) + "." + b64url(json::serialize(claims));
    check_refused_everywhere(f, input + ".");
    // The signature is right for these bytes: only the algorithm is wrong.
    check_refused_everywhere(f, input + "." + b64url(hmac(EVP_sha256(), test_jwt_secret, input)));
  }
  check_refused_everywhere(f, sign(json::object{{"typ", "JWT"}}, claims));
  check_still_serves(f);
}

TEST_CASE("JWT: HS384 and HS512 under the right secret, a wrong key, a tampered token") {
  fixture f;
  const auto bob_id = http_call(f.port(), verb::get, "/api/me", "", bearer(f.server.token("bob")))
                          .json()
                          .at("user")
                          .at("id")
                          .as_int64();
  const auto claims = claims_of(f.id, "alice");
  check_refused_everywhere(f, sign({{"alg", "HS512"}, {"typ", "JWT"}}, claims, EVP_sha512()));
  check_refused_everywhere(f, sign({{"alg", "HS384"}, {"typ", "JWT"}}, claims, EVP_sha384()));
  // Says HS256, is HMAC-SHA512: longer than the signature the server computes.
  check_refused_everywhere(f, sign(hs256, claims, EVP_sha512()));
  for (const char* key : {"test-secret-012345678", "test-secret-01234567890", "", "secret"}) {
    INFO("key '" << key << "'");
    check_refused_everywhere(f, sign(hs256, claims, EVP_sha256(), key));
  }

  // Alice's real token with its payload swapped for bob's claims, or only its exp pushed on.
  const auto header = part(f.token, 0);
  const auto signature = part(f.token, 2);
  const auto as_bob = b64url(json::serialize(claims_of(bob_id, "bob")));
  check_refused_everywhere(f, header + "." + as_bob + "." + signature);
  auto longer = claims_of(f.id, "alice");
  longer["exp"] = now_s() + 10 * 365 * 86400;
  check_refused_everywhere(f, header + "." + b64url(json::serialize(longer)) + "." + signature);
  // The same header bytes re-ordered: the signature covers bytes, not meaning.
  check_refused_everywhere(
      f, b64url(R"({"typ":"JWT","alg":"HS256"})") + "." + part(f.token, 1) + "." + signature);
  std::string flipped = f.token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  check_refused_everywhere(f, flipped);
  check_refused_everywhere(f, f.token.substr(0, f.token.size() - 1));
  check_still_serves(f);
}

TEST_CASE("JWT: expired, not yet valid and issued-in-the-future tokens are refused") {
  fixture f;
  const auto now = now_s();
  const auto with = [&](const char* claim, json::value v) {
    auto c = claims_of(f.id, "alice");
    c[claim] = std::move(v);
    return sign(hs256, c);
  };
  for (const auto exp : {now - 1, now - 86400, std::int64_t{0}, std::int64_t{-1}}) {
    INFO("exp " << exp - now << " s from now");
    check_refused_everywhere(f, with("exp", exp));
  }
  check_refused_everywhere(f, with("exp", json::string(std::to_string(now + 3600))));
  auto no_exp = claims_of(f.id, "alice");
  no_exp.erase("exp");
  check_refused_everywhere(f, sign(hs256, no_exp));

  // RFC 7519 4.1.5: a token must not be accepted before its nbf. A token issued an hour from
  // now comes from a forger holding the key or from an issuer with a broken clock: refused too.
  check_refused_everywhere(f, with("nbf", now + 3600));
  check_refused_everywhere(f, with("nbf", json::string(std::to_string(now - 60))));
  check_refused_everywhere(f, with("iat", now + 3600));
  check_refused_everywhere(f, with("iat", "yesterday"));
  // Controls: an nbf already passed and an iat within the clock-skew allowance are fine.
  CHECK(f.me_status(with("nbf", now - 60)) == 200);
  CHECK(f.me_status(with("iat", now + 5)) == 200);
  check_still_serves(f);
}

TEST_CASE("JWT: garbage and truncated tokens get 401, huge ones 400, the server stays healthy") {
  fixture f;
  const auto claims = b64url(json::serialize(claims_of(f.id, "alice")));
  const auto header = b64url(json::serialize(hs256));
  // Query-safe characters only: each reaches the token check intact on every carrier.
  for (const std::string& token : std::vector<std::string>{
           "***.***.***", "a.b.c", "...", "..", ".", "x", "eyJ", header + "." + claims,
           header + "." + claims + ".", header + ".." + part(f.token, 2),
           "." + claims + "." + part(f.token, 2), f.token + ".extra", f.token + "." + f.token,
           b64url("not json") + "." + claims + "." + part(f.token, 2),
           b64url("[]") + "." + b64url("null") + "." + part(f.token, 2),
           header + "." + claims + "." + part(f.token, 2) + "*", std::string(12 * 1024, 'A'),
           header + "." + std::string(12 * 1024, 'e') + "." + part(f.token, 2)}) {
    check_refused_everywhere(f, token);
  }
  // A correctly signed token whose claims are of the wrong kinds.
  for (const json::value& sub :
       json::array{json::value(f.id), json::value("0"), json::value("-1"), json::value("1x"),
                   json::value("99999999999999999999")}) {
    INFO("sub " << json::serialize(sub));
    auto c = claims_of(f.id, "alice");
    c["sub"] = sub;
    check_refused_everywhere(f, sign(hs256, c));
  }

  // Over the 16 KiB header limit the request is not HTTP the server accepts: 400, closed.
  const std::string huge = header + "." + std::string(100 * 1024, 'e') + "." + part(f.token, 2);
  const auto over_limit = [&](const std::string& carrier) {
    INFO(carrier);
    std::string request = "GET /ws";
    if (carrier == "query") {
      request += "?token=" + huge;
    }
    request +=
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (carrier == "header") {
      request += "Authorization: Bearer " + huge + "\r\n";
    } else if (carrier == "cookie") {
      request += "Cookie: parley_token=" + huge + "\r\n";
    }
    const auto answer = raw_exchange(f.port(), request + "\r\n");
    CHECK(answer.starts_with("HTTP/1.1 400 "));
    CHECK(answer.find(R"("code":"bad_request")") != std::string::npos);
  };
  over_limit("header");
  over_limit("cookie");
  over_limit("query");
  const auto me = raw_exchange(f.port(),
                               "GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Authorization: Bearer " +
                                   huge + "\r\n\r\n");
  CHECK(me.starts_with("HTTP/1.1 400 "));
  CHECK(me.find(R"("code":"bad_request")") != std::string::npos);
  check_still_serves(f);
}
