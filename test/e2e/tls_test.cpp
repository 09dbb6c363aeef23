// TLS on the listener (contract: PARLEY_TLS_CERT/PARLEY_TLS_KEY): HTTPS and WSS only, TLS 1.2 and
// 1.3 only, and SIGHUP reloading the certificate without touching open connections.
#include <catch2/catch.hpp>

#include <openssl/ssl.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_client.hpp"

using namespace parley::test;
namespace fs = std::filesystem;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

/// A server on `cert` (its files are copied to cert.pem and key.pem, which SIGHUP re-reads).
struct tls_server {
  explicit tls_server(const test_certificate& cert) {
    fs::copy_file(cert.cert, dir / "cert.pem");
    fs::copy_file(cert.key, dir / "key.pem");
    auto args = default_server_args(dir.path());
    args.insert(args.end(), {"--tls-cert", (dir / "cert.pem").string(), "--tls-key",
                             (dir / "key.pem").string()});
    process = std::make_unique<server_process>(dir.path(), args);
  }

  void install(const test_certificate& cert) {
    fs::copy_file(cert.cert, dir / "cert.pem", fs::copy_options::overwrite_existing);
    fs::copy_file(cert.key, dir / "key.pem", fs::copy_options::overwrite_existing);
  }

  std::string common_name() {
    tls_peer peer;
    const auto r = https_call(process->port(), verb::get, "/healthz", {}, {}, &peer);
    REQUIRE(r.status == 200);
    return peer.common_name;
  }

  std::string token(const std::string& user) {
    const auto body = R"({"username":")" + user + R"(","password":"correct horse"})";
    REQUIRE(https_call(process->port(), verb::post, "/api/signup", body).status == 201);
    const auto login = https_call(process->port(), verb::post, "/api/login", body);
    REQUIRE(login.status == 200);
    CHECK(login.header("set-cookie").find("; Secure") != std::string::npos);  // TLS only
    return std::string(login.json().at("token").as_string());
  }

  temp_dir dir;
  std::unique_ptr<server_process> process;
};

/// alice's message on `channel` reaches bob, both over WSS.
void check_delivery(wss_client& alice, wss_client& bob, const std::string& channel,
                    const std::string& text) {
  const auto ack = alice.request({{"type", "send"}, {"channel", channel}, {"text", text}});
  REQUIRE(ack.at("type").as_string() == "message");
  const auto got = bob.read_type("message");
  CHECK(got.at("text").as_string() == text);
  CHECK(got.at("id") == ack.at("id"));
}

}  // namespace

TEST_CASE("TLS: HTTPS and WSS work, plain HTTP and TLS 1.1 are refused") {
  temp_dir certs;
  tls_server server(make_certificate(certs.path(), "a", "alpha.test"));
  const auto port = server.process->port();

  tls_peer peer;
  const auto health = https_call(port, verb::get, "/healthz", {}, {}, &peer);
  CHECK(health.status == 200);
  CHECK(peer.common_name == "alpha.test");
  CHECK(peer.protocol == "TLSv1.3");
  tls_peer tls12;
  CHECK(https_call(port, verb::get, "/healthz", {}, {}, &tls12, TLS1_2_VERSION).status == 200);
  CHECK(tls12.protocol == "TLSv1.2");
  CHECK_THROWS(https_call(port, verb::get, "/healthz", {}, {}, nullptr, TLS1_1_VERSION));
  // Plain HTTP gets no HTTP answer: the bytes are not a TLS hello, and the server just closes.
  CHECK(raw_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/1.1") ==
        std::string::npos);

  wss_client alice(port, server.token("alice"));
  wss_client bob(port, server.token("bob"));
  for (auto* c : {&alice, &bob}) {
    REQUIRE(c->request({{"type", "join"}, {"channel", "general"}}).at("type").as_string() ==
            "joined");
  }
  check_delivery(alice, bob, "general", "over TLS: " + std::string(3900, 'x'));
  check_delivery(bob, alice, "general", "and back");
}

TEST_CASE("TLS: SIGHUP reloads the certificate, open connections go on, bad files keep the old") {
  temp_dir certs;
  const auto alpha = make_certificate(certs.path(), "a", "alpha.test");
  const auto beta = make_certificate(certs.path(), "b", "beta.test");
  tls_server server(alpha);
  REQUIRE(server.common_name() == "alpha.test");
  wss_client alice(server.process->port(), server.token("alice"));
  wss_client bob(server.process->port(), server.token("bob"));
  for (auto* c : {&alice, &bob}) {
    REQUIRE(c->request({{"type", "join"}, {"channel", "general"}}).at("type").as_string() ==
            "joined");
  }

  server.install(beta);
  server.process->send_signal(SIGHUP);
  REQUIRE(server.process->wait_for_log("SIGHUP: reloaded", 10s));
  CHECK(server.common_name() == "beta.test");
  check_delivery(alice, bob, "general", "made before the reload");

  std::ofstream(server.dir / "cert.pem", std::ios::trunc) << "not a certificate\n";
  server.process->send_signal(SIGHUP);
  REQUIRE(server.process->wait_for_log("keeping the current certificate", 10s));
  CHECK(server.common_name() == "beta.test");
  check_delivery(bob, alice, "general", "after a failed reload");

  // A key that does not belong to the certificate is refused the same way.
  fs::copy_file(alpha.cert, server.dir / "cert.pem", fs::copy_options::overwrite_existing);
  fs::copy_file(beta.key, server.dir / "key.pem", fs::copy_options::overwrite_existing);
  server.process->send_signal(SIGHUP);
  REQUIRE(server.process->wait_for_log("does not match the certificate", 10s));
  CHECK(server.common_name() == "beta.test");
}

TEST_CASE("TLS: an unusable certificate or key stops the start with one line") {
  temp_dir dir;
  const auto good = make_certificate(dir.path(), "good", "good.test");
  std::ofstream(dir / "garbage.pem") << "-----BEGIN CERTIFICATE-----\nnope\n";
  const auto other = make_certificate(dir.path(), "other", "other.test");
  for (const auto& [cert, key] :
       std::vector<std::pair<fs::path, fs::path>>{{dir / "garbage.pem", good.key},
                                                  {good.cert, dir / "garbage.pem"},
                                                  {good.cert, other.key}}) {
    INFO(cert.filename().string() + " + " + key.filename().string());
    auto args = default_server_args(dir.path());
    args.insert(args.end(), {"--tls-cert", cert.string(), "--tls-key", key.string()});
    const auto r = run_to_exit(dir.path(), args);
    CHECK(r.exit_code != 0);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK(r.output.find("TLS") != std::string::npos);
  }
}
