// A graceful upgrade: SIGTERM drains the server (1001 to every session, its writes stored), a new
// process starts on the same database and port, and clients that resume lose and double nothing.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <future>
#include <set>

#include "support/chat_server.hpp"
#include "support/eventually.hpp"
#include "support/frames.hpp"
#include "support/history.hpp"

using namespace parley::test;
namespace json = boost::json;

namespace {

/// A server on a port of its own choosing that a restart keeps (the bench reconnects to the same
/// URL): the port is free when chosen, and bound again right after the old process has exited.
std::unique_ptr<chat_server> server_on_fixed_port() {
  std::unique_ptr<chat_server> s;
  start_on_free_port([&](std::uint16_t port) {
    s = std::make_unique<chat_server>(std::vector<std::string>{
        "--rate-limit", "0", "--listen", "127.0.0.1:" + std::to_string(port)});
  });
  return s;
}

/// SIGTERM: exit 0 within the contract's 10 s, after a drain (terminate throws past 10 s).
void stop_gracefully(chat_server& s) {
  const auto started = std::chrono::steady_clock::now();
  CHECK(s.process->terminate(std::chrono::seconds(10)) == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  INFO(s.process->log());
  CHECK(s.process->log().find("drained: ") != std::string::npos);
}

}  // namespace

TEST_CASE("SIGTERM closes sessions with 1001 after acknowledging every message it stored") {
  chat_server s({"--rate-limit", "0"});
  auto alice = s.connect("alice");
  join(*alice, "drain");
  // Enough sends in flight that SIGTERM lands while some are being stored: each one the server
  // took must be acknowledged before the close, and each acknowledged one must be stored.
  constexpr int sent = 2000;
  for (int i = 0; i < sent; ++i) {
    alice->send({{"type", "send"},
                 {"channel", "drain"},
                 {"text", "m" + std::to_string(i)},
                 {"ref", "s" + std::to_string(i)}});
  }
  alice->read_type("message");
  s.process->send_signal(SIGTERM);
  std::set<std::string> acknowledged{"m0"};
  bool closed = false;
  for (int frames = 0; frames < sent + 10 && !closed; ++frames) {
    std::optional<json::object> f;
    try {
      f = alice->try_read(std::chrono::seconds(10));
    } catch (const std::exception&) {
      closed = true;  // the close frame, read in place of a frame
      continue;
    }
    REQUIRE(f);
    if (str(*f, "type") == "message") {
      acknowledged.insert(str(*f, "text"));
    }
  }
  REQUIRE(closed);
  CHECK(alice->close_code() == 1001);
  CHECK(alice->close_reason() == "server shutting down");
  stop_gracefully(s);

  s.restart();
  std::set<std::string> stored;
  for (const auto& m : stored_messages(s.port(), s.token("alice"), "drain")) {
    CHECK(stored.insert(str(m, "text")).second);
  }
  CHECK(stored == acknowledged);
  CHECK(!stored.empty());
}

TEST_CASE(
    "parley-bench fanout resumes across a restart on the same port, losing and doubling nothing") {
  auto s = server_on_fixed_port();
  const auto port = s->port();
  auto bench = std::async(std::launch::async, [&] {
    return run_to_exit(s->dir.path(),
                       {"--url", "ws://127.0.0.1:" + std::to_string(port), "fanout",
                        "--subscribers", "20", "--publishers", "2", "--rate", "100", "--duration",
                        "4", "--threads", "2", "--users", "3", "--json"},
                       {}, std::chrono::seconds(90), PARLEY_BENCH_BINARY);
  });
  // The bench signs its users up first (scrypt): restart once messages flow.
  REQUIRE(eventually([&] { return metric(port, "parley_deliveries_total") >= 200; },
                     std::chrono::seconds(30)));
  stop_gracefully(*s);
  s->restart();  // the same arguments: the same database file and the same port
  CHECK(s->port() == port);

  REQUIRE(bench.wait_for(std::chrono::seconds(90)) == std::future_status::ready);
  const auto r = bench.get();
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto j = json::parse(r.output.substr(r.output.find('{'))).as_object();
  const auto sent = j.at("sent").as_int64();
  CHECK(sent >= 200);
  // Every subscriber and publisher lost its connection and opened a new one.
  CHECK(j.at("reconnects").as_int64() >= 22);
  CHECK(j.at("lost") == 0);
  CHECK(j.at("duplicated") == 0);
  CHECK(j.at("out_of_order") == 0);
  CHECK(j.at("deliveries").as_int64() == sent * 20);
  CHECK(j.at("errors") == 0);
  // Nothing was stored twice either: the channel holds each sent message once.
  CHECK(static_cast<std::int64_t>(
            stored_messages(port, s->token("auditor"), "bench-fanout-0").size()) == sent);
}
