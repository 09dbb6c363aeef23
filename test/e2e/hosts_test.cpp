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

TEST_CASE("hosts: DMs, presence and matching across hosts", "[cluster][hosts]") {
  chat_cluster c(separate_hosts(2));
  INFO(describe(c));
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
  chat_cluster c(separate_hosts(2));
  INFO(describe(c));
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
  chat_cluster c(separate_hosts(2, 2));
  INFO(describe(c));
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
