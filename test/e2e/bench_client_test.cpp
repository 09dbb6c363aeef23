// parley-bench against a real server: it must work and count correctly. Speed is not judged here.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_client.hpp"

using namespace parley::test;
namespace json = boost::json;

namespace {

/// Runs parley-bench against `s` with a `scheme`:// URL and returns its JSON report.
json::object run_bench(const chat_server& s, std::vector<std::string> args,
                       const std::string& scheme = "ws") {
  args.insert(args.begin(), {"--url", scheme + "://127.0.0.1:" + std::to_string(s.port())});
  args.push_back("--json");
  auto r = run_to_exit(s.dir.path(), args, {}, std::chrono::seconds(60), PARLEY_BENCH_BINARY);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.output.substr(r.output.find('{'))).as_object();
}

/// The fanout runs below (2 publishers at 50/s for 1 s, 20 subscribers): every message sent
/// reached every subscriber once, in order, without an error.
void check_every_delivery(const json::object& j) {
  const auto sent = j.at("sent").as_int64();
  CHECK(sent >= 80);
  CHECK(j.at("deliveries").as_int64() == sent * 20);
  CHECK(j.at("lost") == 0);
  CHECK(j.at("duplicated") == 0);
  CHECK(j.at("out_of_order") == 0);
  CHECK(j.at("errors") == 0);
}

}  // namespace

TEST_CASE("parley-bench cycle and seed-compat complete every case without errors") {
  chat_server s({"--rate-limit", "0"});
  auto j = run_bench(s, {"cycle", "-w", "4", "-r", "25", "--threads", "1"});
  CHECK(j.at("scenario") == "cycle");
  CHECK(j.at("cases") == 100);
  CHECK(j.at("errors") == 0);
  CHECK(j.at("cases_per_s").as_double() > 0);
  CHECK(j.at("latency_ms").at("p50").as_double() > 0);
  j = run_bench(s, {"cycle", "--seed-compat", "-w", "2", "-r", "5", "--threads", "1"});
  CHECK(j.at("cases") == 10);
  CHECK(j.at("errors") == 0);
  // Each seed-compat case sleeps 5 ms twice.
  CHECK(j.at("latency_ms").at("min").as_double() >= 10.0);
}

TEST_CASE("parley-bench fanout delivers every message to every subscriber") {
  chat_server s({"--rate-limit", "0"});
  const auto j = run_bench(s, {"fanout", "--subscribers", "20", "--publishers", "2", "--rate", "50",
                               "--duration", "1", "--threads", "2"});
  check_every_delivery(j);
}

TEST_CASE("parley-bench over wss:// signs in, delivers every message and closes cleanly") {
  temp_dir keys;
  const auto cert = make_certificate(keys.path(), "server", "localhost");
  // This server speaks only TLS: a plain request or upgrade would fail the run.
  chat_server s(
      {"--rate-limit", "0", "--tls-cert", cert.cert.string(), "--tls-key", cert.key.string()});
  const auto j = run_bench(s,
                           {"fanout", "--subscribers", "20", "--publishers", "2", "--rate", "50",
                            "--duration", "1", "--threads", "2"},
                           "wss");
  check_every_delivery(j);

  // Each case ends with a WebSocket close, and so with the TLS teardown.
  const auto cycle = run_bench(s, {"cycle", "-w", "2", "-r", "10", "--threads", "1"}, "wss");
  CHECK(cycle.at("cases") == 20);
  CHECK(cycle.at("errors") == 0);
}

TEST_CASE("parley-bench connections opens and holds idle sessions") {
  chat_server s;
  const auto j = run_bench(s, {"connections", "--connections", "200", "--duration", "0.5"});
  CHECK(j.at("connections") == 200);
  CHECK(j.at("errors") == 0);
  CHECK(j.at("open_s").as_double() > 0);

  // From 127.0.0.1, .2 and .3 in turn (bound before connecting; a failed bind is an error).
  const auto spread = run_bench(
      s, {"connections", "--connections", "90", "--duration", "0.2", "--source-addresses", "3"});
  CHECK(spread.at("connections") == 90);
  CHECK(spread.at("errors") == 0);
}
