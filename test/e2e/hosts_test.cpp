// Guarantee 3 across hosts: parley instances each in a network namespace of their own, with
// their own working directory, sharing only a PostgreSQL database and a redis-server reached
// over veth links. Where namespaces cannot be made, the same runs on loopback and says so.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <thread>

#include "parley/cluster/topic_shards.hpp"
#include "support/chat_cluster.hpp"
#include "support/eventually.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

cluster_layout hosts(int count, int redis_servers = 1) {
  return {count, true, redis_servers};
}

/// A channel name whose topic lives on Redis server `shard` of `servers`.
std::string channel_on(std::size_t shard, std::size_t servers, const std::string& stem) {
  for (int i = 0; i < 1000; ++i) {
    const auto name = stem + std::to_string(i);
    if (parley::cluster::shard_of(name, servers) == shard) {
      return name;
    }
  }
  throw std::runtime_error("no channel name found for shard " + std::to_string(shard));
}

void say_where(const chat_cluster& c) {
  if (!c.network.available()) {
    WARN("network namespaces unavailable (" << c.network.why() << "): the hosts run on loopback");
  }
}

/// Every message of the channel, oldest first, as (id, text), read through one instance.
std::vector<std::pair<std::int64_t, std::string>> stored(chat_cluster& c, int instance,
                                                         const std::string& channel,
                                                         const std::string& token) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  std::string before;
  for (int page = 0; page < 100; ++page) {
    const auto r =
        http_call(c.at(instance), verb::get,
                  "/api/channels/" + channel + "/messages?limit=100" + before, {}, bearer(token));
    INFO(c.instances[instance]->log());
    REQUIRE(r.status == 200);
    const auto body = r.json();
    const auto& messages = body.at("messages").as_array();
    std::vector<std::pair<std::int64_t, std::string>> chunk;
    for (const auto& m : messages) {
      chunk.emplace_back(m.at("id").as_int64(), std::string(m.at("text").as_string()));
    }
    out.insert(out.begin(), chunk.begin(), chunk.end());
    if (!body.at("has_more").as_bool() || chunk.empty()) {
      break;
    }
    before = "&before=" + std::to_string(chunk.front().first);
  }
  return out;
}

}  // namespace

TEST_CASE("hosts: messages cross hosts in both directions with one id sequence",
          "[cluster][hosts]") {
  chat_cluster c(hosts(2));
  say_where(c);
  auto alice = c.connect("alice", 0);
  auto bob = c.connect("bob", 1);
  join(*alice, "general");
  join(*bob, "general");
  const auto first = send_text(*alice, "general", "from a");
  const auto got_b = read_messages(*bob, "general", 1);
  CHECK(str(got_b[0], "text") == "from a");
  CHECK(got_b[0].at("id").as_int64() == first);
  const auto second = send_text(*bob, "general", "from b");
  CHECK(second == first + 1);
  const auto got_a = read_messages(*alice, "general", 1);
  CHECK(str(got_a[0], "text") == "from b");
  CHECK(got_a[0].at("id").as_int64() == second);
}

TEST_CASE("hosts: concurrent senders on three hosts, one order everywhere", "[cluster][hosts]") {
  constexpr int senders_count = 6;
  constexpr int per_sender = 100;
  chat_cluster c(hosts(3));
  say_where(c);
  std::vector<std::unique_ptr<ws_client>> senders;
  std::vector<std::unique_ptr<ws_client>> receivers;
  for (int i = 0; i < senders_count; ++i) {
    senders.push_back(c.connect("sender" + std::to_string(i), i % 3));
    join(*senders.back(), "busy");
  }
  for (int i = 0; i < 3; ++i) {
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
  std::vector<std::vector<std::int64_t>> orders;
  for (auto& r : receivers) {
    const auto got = read_messages(*r, "busy", senders_count * per_sender, 60s);
    orders.push_back(ids_of(got));
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
  std::vector<std::int64_t> expected(senders_count * per_sender);
  std::iota(expected.begin(), expected.end(), 1);
  CHECK(orders[0] == expected);
  CHECK(orders[1] == expected);
  CHECK(orders[2] == expected);
  CHECK(c.postgres->query("SELECT last_message_id FROM channels WHERE name = 'busy'", "parley") ==
        std::to_string(senders_count * per_sender) + "\n");
}

TEST_CASE("hosts: join since on another host after a disconnect", "[cluster][hosts]") {
  chat_cluster c(hosts(2));
  say_where(c);
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
  send_text(*alice, "news", "live");
  CHECK(str(read_messages(*bob, "news", 1)[0], "text") == "live");
}

TEST_CASE("hosts: DMs, presence and matching across hosts", "[cluster][hosts]") {
  chat_cluster c(hosts(2));
  say_where(c);
  auto alice = c.connect("alice", 0);
  auto bob = c.connect("bob", 1);

  const auto echo = alice->request({{"type", "send"}, {"to", "bob"}, {"text", "psst"}});
  REQUIRE(str(echo, "type") == "message");
  const auto dm = read_messages(*bob, str(echo, "channel"), 1);
  CHECK(str(dm[0], "text") == "psst");
  CHECK(dm[0].at("id").as_int64() == echo.at("id").as_int64());

  join(*alice, "room");
  join(*bob, "room");
  CHECK(await_user_event(*alice, "user_joined", "room", "bob", 5s));
  CHECK(present(*alice, "room") == std::vector<std::string>{"alice", "bob"});
  CHECK(present(*bob, "room") == std::vector<std::string>{"alice", "bob"});

  auto carol = c.connect("carol", 0);
  auto dave = c.connect("dave", 1);
  REQUIRE(str(carol->request({{"type", "match"}}), "type") == "matching");
  REQUIRE(str(dave->request({{"type", "match"}}), "type") == "matching");
  const auto for_dave = dave->read_type("matched", 10s);
  const auto for_carol = carol->read_type("matched", 10s);
  CHECK(str(for_dave, "peer") == "carol");
  CHECK(str(for_carol, "peer") == "dave");
  CHECK(str(for_dave, "channel") == str(for_carol, "channel"));
  std::int64_t id = 0;
  try {
    id = send_text(*carol, str(for_carol, "channel"), "hello stranger");
  } catch (const std::exception& e) {
    FAIL(e.what() << "\nA:\n" << c.instances[0]->log() << "\nB:\n" << c.instances[1]->log());
  }
  const auto got = read_messages(*dave, str(for_dave, "channel"), 1);
  CHECK(got[0].at("id").as_int64() == id);
}

TEST_CASE(
    "hosts: PostgreSQL restarted under load - internal while down, nothing acknowledged "
    "lost, recovery by itself",
    "[cluster][hosts]") {
  chat_cluster c(hosts(2));
  say_where(c);
  auto alice = c.connect("alice", 0);
  auto bob = c.connect("bob", 1);
  join(*alice, "load");
  join(*bob, "load");

  std::map<std::int64_t, std::string> acknowledged;
  int refused = 0;
  const auto send_one = [&](int n) {
    const auto text = "n" + std::to_string(n);
    const auto reply = alice->request({{"type", "send"}, {"channel", "load"}, {"text", text}}, 10s);
    if (str(reply, "type") == "message") {
      acknowledged.emplace(reply.at("id").as_int64(), text);
      return true;
    }
    CHECK(str(reply, "type") == "error");
    CHECK(str(reply, "code") == "internal");
    ++refused;
    return false;
  };

  int n = 0;
  for (; n < 30; ++n) {
    REQUIRE(send_one(n));
  }
  c.postgres->stop();
  for (int i = 0; i < 10; ++i, ++n) {
    CHECK_FALSE(send_one(n));
  }
  c.postgres->start();
  // Back by itself: the writer reconnects on its next batch.
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i, ++n) {
    back = send_one(n);
  }
  REQUIRE(back);
  for (int i = 0; i < 30; ++i, ++n) {
    CHECK(send_one(n));
  }
  CHECK(refused >= 10);

  const auto history = stored(c, 1, "load", c.token("bob"));
  // One gap-free sequence, holding every acknowledged message.
  std::vector<std::int64_t> ids;
  for (const auto& [id, text] : history) {
    ids.push_back(id);
  }
  std::vector<std::int64_t> expected(history.size());
  std::iota(expected.begin(), expected.end(), 1);
  CHECK(ids == expected);
  std::map<std::int64_t, std::string> in_history(history.begin(), history.end());
  for (const auto& [id, text] : acknowledged) {
    CHECK(in_history[id] == text);
  }
  // The other host delivered every stored message, in order.
  const auto got = read_messages(*bob, "load", history.size(), 30s);
  CHECK(ids_of(got) == expected);
}

TEST_CASE("hosts: one Redis of two killed and restarted - only its channels pause, they catch up",
          "[cluster][hosts]") {
  chat_cluster c(hosts(2, 2));
  say_where(c);
  const auto steady = channel_on(0, 2, "steady");  // on the first Redis server
  const auto paused = channel_on(1, 2, "paused");  // on the second
  auto alice = c.connect("alice", 0);
  auto bob = c.connect("bob", 1);
  for (auto* s : {alice.get(), bob.get()}) {
    join(*s, steady);
    join(*s, paused);
  }
  send_text(*alice, paused, "before");
  CHECK(str(read_messages(*bob, paused, 1)[0], "text") == "before");
  CHECK(metric(c.at(1), "parley_redis_connected") == 1);

  c.more_redis[0]->kill();
  CHECK(eventually([&] { return metric(c.at(1), "parley_redis_connected") == 0; }, 10s));
  // The other server's channels are not affected.
  const auto live = send_text(*alice, steady, "still live");
  const auto got = read_messages(*bob, steady, 1);
  CHECK(got[0].at("id").as_int64() == live);
  // The paused channel keeps storing: its senders are acknowledged.
  std::vector<std::int64_t> sent;
  for (int i = 0; i < 5; ++i) {
    sent.push_back(send_text(*alice, paused, "during " + std::to_string(i)));
  }

  c.more_redis[0]->start();
  // Back within the contract's 10 s: bob's instance reads what it missed from the database.
  const auto missed = read_messages(*bob, paused, 5, 15s);
  CHECK(ids_of(missed) == sent);
  CHECK(str(missed.back(), "text") == "during 4");
  CHECK(eventually([&] { return metric(c.at(1), "parley_redis_connected") == 1; }, 10s));
  const auto after = send_text(*alice, paused, "after");
  const auto next = read_messages(*bob, paused, 1);
  CHECK(next[0].at("id").as_int64() == after);
  CHECK(after == sent.back() + 1);
}
