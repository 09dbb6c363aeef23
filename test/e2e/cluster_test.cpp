// Guarantee 3 (cluster): real parley instances sharing a database and a real redis-server.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <thread>

#include "support/chat_cluster.hpp"
#include "support/eventually.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

TEST_CASE("cluster: messages cross instances in both directions with one id sequence",
          "[cluster]") {
  chat_cluster c(GENERATE(one_host(2), separate_hosts(2)));
  INFO(describe(c));
  auto alice = c.connect("alice", 0);
  auto bob = c.connect("bob", 1);
  CHECK(str(alice->hello(), "instance") == "a");
  CHECK(str(bob->hello(), "instance") == "b");
  join(*alice, "general");
  join(*bob, "general");

  const auto first = send_text(*alice, "general", "from a");
  const auto got_b = read_messages(*bob, "general", 1);
  CHECK(str(got_b[0], "text") == "from a");
  CHECK(str(got_b[0], "from") == "alice");
  CHECK(got_b[0].at("id").as_int64() == first);
  // b timed the delivery from a's commit, which the cluster message carries.
  CHECK(eventually([&] { return metric(c.at(1), "parley_delivery_seconds_count") == 1; },
                   std::chrono::seconds(5)));

  const auto second = send_text(*bob, "general", "from b");
  const auto got_a = read_messages(*alice, "general", 1);
  CHECK(str(got_a[0], "text") == "from b");
  CHECK(second == first + 1);
  CHECK(got_a[0].at("id").as_int64() == second);
}

TEST_CASE("cluster: concurrent senders on every instance, one order everywhere", "[cluster]") {
  // Two instances sharing a SQLite file, or three hosts sharing PostgreSQL: 600 messages each.
  chat_cluster c(GENERATE(one_host(2), separate_hosts(3)));
  INFO(describe(c));
  const int instances = c.layout.instances;
  const int senders_count = 2 * instances;
  const int per_sender = 600 / senders_count;
  std::vector<std::unique_ptr<ws_client>> senders;
  std::vector<std::unique_ptr<ws_client>> receivers;
  for (int i = 0; i < senders_count; ++i) {
    senders.push_back(c.connect("sender" + std::to_string(i), i % instances));
    join(*senders.back(), "busy");
  }
  for (int i = 0; i < instances; ++i) {
    receivers.push_back(c.connect("reader" + std::to_string(i), i));
    join(*receivers.back(), "busy");
  }
  std::vector<std::thread> threads;
  for (int s = 0; s < senders_count; ++s) {
    threads.emplace_back([&, s] {
      for (int n = 0; n < per_sender; ++n) {
        senders[s]->send({{"type", "send"},
                          {"channel", "busy"},
                          {"text", std::to_string(s) + ":" + std::to_string(n)}});
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::vector<std::int64_t> expected(static_cast<std::size_t>(senders_count * per_sender));
  std::iota(expected.begin(), expected.end(), 1);
  for (auto& r : receivers) {
    const auto got =
        read_messages(*r, "busy", static_cast<std::size_t>(senders_count * per_sender), 60s);
    CHECK(ids_of(got) == expected);
    std::map<int, int> next;  // each sender's messages in the order it sent them
    for (const auto& m : got) {
      const auto text = str(m, "text");
      const int s = std::stoi(text.substr(0, text.find(':')));
      const int n = std::stoi(text.substr(text.find(':') + 1));
      CHECK(n == next[s]);
      next[s] = n + 1;
    }
    CHECK(!r->try_read(300ms).has_value());
  }
}

TEST_CASE("cluster: DMs, invitations, typing and presence across instances", "[cluster]") {
  chat_cluster c(2);
  auto alice = c.connect("alice", 0);
  auto bob = c.connect("bob", 1);
  auto bob_also_on_a = c.connect("bob", 0);

  SECTION("a DM reaches every session of both users, once") {
    const auto echo = alice->request({{"type", "send"}, {"to", "bob"}, {"text", "psst"}});
    REQUIRE(str(echo, "type") == "message");
    const auto channel = str(echo, "channel");
    for (auto* s : {bob.get(), bob_also_on_a.get()}) {
      const auto got = read_messages(*s, channel, 1);
      CHECK(str(got[0], "text") == "psst");
      CHECK(got[0].at("id").as_int64() == echo.at("id").as_int64());
      CHECK(!s->try_read(300ms).has_value());
    }
    const auto reply = bob->request({{"type", "send"}, {"to", "alice"}, {"text", "hi"}});
    const auto back = read_messages(*alice, channel, 1);
    CHECK(str(back[0], "text") == "hi");
    CHECK(back[0].at("id").as_int64() == reply.at("id").as_int64());
  }

  SECTION("an invitation to a private channel reaches the invitee on the other instance") {
    REQUIRE(str(alice->request({{"type", "create"}, {"channel", "secret"}, {"private", true}}),
                "type") == "created");
    REQUIRE(str(alice->request({{"type", "invite"}, {"channel", "secret"}, {"user", "bob"}}),
                "type") == "invited");
    const auto invitation = bob->read_type("invitation");
    CHECK(str(invitation, "channel") == "secret");
    CHECK(str(invitation, "from") == "alice");
    join(*bob, "secret");
    send_text(*alice, "secret", "welcome");
    CHECK(str(read_messages(*bob, "secret", 1)[0], "text") == "welcome");
  }

  SECTION("presence, user_joined, user_left and typing") {
    join(*alice, "room");
    join(*bob, "room");
    CHECK(await_user_event(*alice, "user_joined", "room", "bob", 5s));
    CHECK(present(*alice, "room") == std::vector<std::string>{"alice", "bob"});
    CHECK(present(*bob, "room") == std::vector<std::string>{"alice", "bob"});

    bob->send({{"type", "typing"}, {"channel", "room"}});
    const auto typing = alice->read_type("typing");
    CHECK(str(typing, "user") == "bob");

    // bob's second session, on alice's instance, does not make bob join twice.
    join(*bob_also_on_a, "room");
    REQUIRE(str(bob->request({{"type", "leave"}, {"channel", "room"}}), "type") == "left");
    CHECK(!await_user_event(*alice, "user_left", "room", "bob", 500ms));
    REQUIRE(str(bob_also_on_a->request({{"type", "leave"}, {"channel", "room"}}), "type") ==
            "left");
    CHECK(await_user_event(*alice, "user_left", "room", "bob", 5s));
    CHECK(present(*alice, "room") == std::vector<std::string>{"alice"});
  }
}

TEST_CASE("cluster: join since on another instance after a disconnect", "[cluster]") {
  chat_cluster c(GENERATE(one_host(2), separate_hosts(2)));
  INFO(describe(c));
  auto alice = c.connect("alice", 0);
  join(*alice, "news");
  std::int64_t last_seen = 0;
  {
    auto bob = c.connect("bob", 0);
    join(*bob, "news");
    send_text(*alice, "news", "one");
    last_seen = read_messages(*bob, "news", 1)[0].at("id").as_int64();
  }
  for (int i = 0; i < 5; ++i) {
    send_text(*alice, "news", "missed " + std::to_string(i));
  }
  auto bob = c.connect("bob", 1);
  REQUIRE(str(bob->request({{"type", "join"}, {"channel", "news"}, {"since", last_seen}}),
              "type") == "joined");
  const auto missed = read_messages(*bob, "news", 5);
  CHECK(ids_of(missed) == std::vector<std::int64_t>{last_seen + 1, last_seen + 2, last_seen + 3,
                                                    last_seen + 4, last_seen + 5});
  CHECK(str(missed.back(), "text") == "missed 4");
  send_text(*alice, "news", "live");
  CHECK(str(read_messages(*bob, "news", 1)[0], "text") == "live");
}

TEST_CASE("cluster: a token revoked on one instance is refused by the other", "[cluster]") {
  chat_cluster c(2);
  const auto token = c.token("carol");
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + token}};
  REQUIRE(http_call(c.port(1), verb::get, "/api/me", {}, auth).status == 200);
  REQUIRE(http_call(c.port(0), verb::post, "/api/logout", {}, auth).status == 204);
  CHECK(eventually(
      [&] { return http_call(c.port(1), verb::get, "/api/me", {}, auth).status == 401; }, 5s));
  CHECK(ws_upgrade_status(c.port(1), "/ws?token=" + token) == 401);
}

TEST_CASE("cluster: Redis outage - instances keep serving locally and catch up", "[cluster]") {
  chat_cluster c(2);
  auto alice = c.connect("alice", 0);
  auto carol = c.connect("carol", 0);
  auto bob = c.connect("bob", 1);
  auto dave = c.connect("dave", 1);
  for (auto* s : {alice.get(), carol.get(), bob.get()}) {
    join(*s, "ops");
  }
  join(*bob, "ops-b");
  join(*dave, "ops-b");
  send_text(*alice, "ops", "before");
  REQUIRE(str(read_messages(*bob, "ops", 1)[0], "text") == "before");

  c.redis.kill();
  REQUIRE(eventually([&] { return metric(c.port(0), "parley_redis_connected") == 0; }, 10s));
  CHECK(http_call(c.port(0), verb::get, "/healthz").status == 200);
  CHECK(http_call(c.port(0), verb::get, "/readyz").status == 503);
  CHECK(http_call(c.port(0), verb::get, "/healthz").json().at("redis").as_string() ==
        "disconnected");

  // Local delivery keeps working on both instances.
  std::vector<std::int64_t> during;
  for (int i = 0; i < 20; ++i) {
    during.push_back(send_text(*alice, "ops", "during " + std::to_string(i)));
  }
  CHECK(ids_of(read_messages(*carol, "ops", 21)).back() == during.back());
  send_text(*bob, "ops-b", "local on b");
  CHECK(str(read_messages(*dave, "ops-b", 1)[0], "text") == "local on b");
  CHECK(!bob->try_read(300ms).has_value());  // nothing of "ops" reaches b while Redis is away

  c.redis.start();
  const auto back_at = std::chrono::steady_clock::now();
  // bob's instance reads what it missed from the database, in order, before anything newer.
  const auto caught_up = read_messages(*bob, "ops", 20, 10s);
  CHECK(ids_of(caught_up) == during);
  CHECK(eventually([&] { return metric(c.port(1), "parley_redis_connected") == 1; }, 10s));
  const auto after = send_text(*alice, "ops", "after");
  const auto live = read_messages(*bob, "ops", 1, 10s);
  CHECK(live[0].at("id").as_int64() == after);
  CHECK(std::chrono::steady_clock::now() - back_at < 10s);
  CHECK(metric(c.port(0), "parley_redis_reconnects_total") >= 1);

  // Nothing was lost from the database.
  const auto history = http_call(c.port(1), verb::get, "/api/channels/ops/messages?limit=100", {},
                                 {{"Authorization", "Bearer " + c.token("bob")}})
                           .json();
  std::vector<std::int64_t> stored;
  for (const auto& m : history.at("messages").as_array()) {
    stored.push_back(m.at("id").as_int64());
  }
  std::vector<std::int64_t> expected(static_cast<std::size_t>(after));
  std::iota(expected.begin(), expected.end(), 1);
  CHECK(stored == expected);
}

TEST_CASE("cluster: a killed instance's users leave presence within the bound", "[cluster]") {
  chat_cluster c(2);
  auto alice = c.connect("alice", 0);
  auto bob = c.connect("bob", 1);
  join(*alice, "lobby");
  join(*bob, "lobby");
  REQUIRE(await_user_event(*alice, "user_joined", "lobby", "bob", 5s));
  const auto killed_at = std::chrono::steady_clock::now();
  c.kill(1);
  // Documented bound (docs/cluster.md): the peer timeout plus one heartbeat interval.
  CHECK(await_user_event(*alice, "user_left", "lobby", "bob", 8s));
  const auto took = std::chrono::steady_clock::now() - killed_at;
  CHECK(took >= 4s);  // not before the instance has been silent for the timeout
  CHECK(present(*alice, "lobby") == std::vector<std::string>{"alice"});
}

TEST_CASE("cluster: AUTH and database from the URL, a refused AUTH leaves the instance unready",
          "[cluster]") {
  temp_dir dir;
  redis_server redis(dir.path(), "s3cret");
  auto args_for = [&](const std::string& url) {
    auto args = default_server_args(dir.path());
    args.insert(args.end(), {"--redis-url", url});
    return args;
  };
  server_process good(dir.path(), args_for(redis.url(2)));
  server_process bad(dir.path(), args_for(redis.url_with_password("wrong", 2)));

  CHECK(eventually([&] { return metric(good.port(), "parley_redis_connected") == 1; }, 10s));
  CHECK(http_call(good.port(), verb::get, "/readyz").status == 200);
  CHECK(http_call(good.port(), verb::get, "/healthz").json().at("redis").as_string() ==
        "connected");

  CHECK(bad.wait_for_log("handshake with 127.0.0.1", 10s));
  CHECK(http_call(bad.port(), verb::get, "/healthz").status == 200);
  CHECK(http_call(bad.port(), verb::get, "/readyz").status == 503);
  CHECK(metric(bad.port(), "parley_redis_connected") == 0);
}
