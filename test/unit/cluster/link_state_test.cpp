// The cluster bridge's decisions, fed events with explicit times: no sockets, no Redis.
#include <catch2/catch.hpp>

#include <ostream>

#include "parley/cluster/link_state.hpp"

using namespace parley::cluster;
using namespace std::chrono_literals;

namespace parley::cluster::action {
namespace {

const char* name_of(connection_role role) {
  return role == connection_role::publisher ? "publisher" : "subscriber";
}

const char* name_of(envelope::kind kind) {
  switch (kind) {
    case envelope::kind::message:
      return "message";
    case envelope::kind::channel_frame:
      return "channel_frame";
    case envelope::kind::user_frame:
      return "user_frame";
    case envelope::kind::presence:
      return "presence";
    case envelope::kind::hello:
      return "hello";
    case envelope::kind::snapshot:
      return "snapshot";
    case envelope::kind::heartbeat:
      return "heartbeat";
    case envelope::kind::revoke:
      return "revoke";
    case envelope::kind::resync:
      return "resync";
    case envelope::kind::forget:
      return "forget";
    case envelope::kind::matched:
      return "matched";
  }
  return "?";
}

}  // namespace

// Found by argument-dependent lookup, so that Catch prints both lists of a failed comparison.
std::ostream& operator<<(std::ostream& os, const link_action& a) {
  struct printer {
    std::ostream& os;
    void operator()(const connect& c) { os << "connect(" << name_of(c.role) << ")"; }
    void operator()(const connect_after& c) {
      os << "connect_after(" << name_of(c.role) << ", " << c.delay.count() << " ms)";
    }
    void operator()(const drop_subscriber&) { os << "drop_subscriber"; }
    void operator()(const subscribe& s) { os << "subscribe(" << s.topic << ")"; }
    void operator()(const unsubscribe& u) { os << "unsubscribe(" << u.topic << ")"; }
    void operator()(const announce& n) { os << "announce(" << name_of(n.kind) << ")"; }
    void operator()(const release_waiter& r) { os << "release_waiter(" << r.id << ")"; }
    void operator()(const catch_up& c) { os << "catch_up(" << c.channel << ")"; }
    void operator()(const reload_revocations&) { os << "reload_revocations"; }
    void operator()(const node_joined& n) { os << "node_joined(" << n.node << ")"; }
    void operator()(const node_gone& n) { os << "node_gone(" << n.node << ")"; }
    void operator()(const count_reconnect&) { os << "count_reconnect"; }
    void operator()(const set_connected& s) { os << "set_connected(" << s.connected << ")"; }
  };
  std::visit(printer{os}, a);
  return os;
}

}  // namespace parley::cluster::action

namespace {

using action::announce;
using action::catch_up;
using action::connect_after;
using action::count_reconnect;
using action::node_gone;
using action::node_joined;
using action::release_waiter;
using action::set_connected;
using action::subscribe;
using action::unsubscribe;

constexpr auto pub = connection_role::publisher;
constexpr auto sub = connection_role::subscriber;
const link_state::clock::time_point t0 = link_state::clock::time_point{} + 1h;
const topics names(0);
const std::string ch_a = names.channel("a");
const std::string ch_b = names.channel("b");
const std::string ch_c = names.channel("c");
const std::string user_7 = names.user(7);

/// Started, both connections open and the cluster topic confirmed at `now`.
link_state bridge_up(link_state::clock::time_point now) {
  link_state s(names);
  s.start();
  s.connected(pub, now);
  s.connected(sub, now);
  REQUIRE(s.subscribed(names.cluster()) == link_actions{set_connected{true},
                                                        announce{envelope::kind::hello},
                                                        action::reload_revocations{}});
  return s;
}

}  // namespace

TEST_CASE("link_state: start opens both connections, nothing is announced before", "[cluster]") {
  link_state s(names);
  CHECK(s.start() == link_actions{action::connect{pub}, action::connect{sub}});
  CHECK(s.status(pub) == connection_status::connecting);
  CHECK(s.tick(t0) == link_actions{});
}

TEST_CASE(
    "link_state: reconnect backoff doubles from 250 ms to a 5 s cap, per connection, and "
    "starts over after a success",
    "[cluster]") {
  link_state s(names);
  s.start();
  for (const auto wait : {250ms, 500ms, 1000ms, 2000ms, 4000ms, 5000ms, 5000ms}) {
    CHECK(s.failed(pub) == link_actions{connect_after{pub, wait}});
    CHECK(s.status(pub) == connection_status::waiting_to_retry);
    CHECK(s.retry_due(pub) == link_actions{action::connect{pub}});
    CHECK(s.status(pub) == connection_status::connecting);
  }
  // The subscriber's attempts have their own backoff.
  CHECK(s.failed(sub) == link_actions{connect_after{sub, 250ms}});

  CHECK(s.connected(pub, t0) == link_actions{});
  CHECK(s.lost(pub) == link_actions{count_reconnect{}, connect_after{pub, 250ms}});
  CHECK(s.retry_due(pub) == link_actions{action::connect{pub}});
  CHECK(s.failed(pub) == link_actions{connect_after{pub, 500ms}});
}

TEST_CASE("link_state: the bridge is reported up when both connections are, and only changes",
          "[cluster]") {
  link_state s(names);
  s.start();
  CHECK(s.connected(pub, t0) == link_actions{});
  // Up only once the subscriber's cluster topic, subscribed last, is confirmed.
  CHECK(s.connected(sub, t0) == link_actions{subscribe{names.cluster()}});
  CHECK(s.subscribed(names.cluster()) == link_actions{set_connected{true},
                                                      announce{envelope::kind::hello},
                                                      action::reload_revocations{}});
  CHECK(s.lost(pub) ==
        link_actions{count_reconnect{}, set_connected{false}, connect_after{pub, 250ms}});
  CHECK(s.lost(sub) == link_actions{count_reconnect{}, connect_after{sub, 250ms}});
}

TEST_CASE(
    "link_state: a reconnected subscriber subscribes every wanted topic again, the "
    "cluster topic last, and no topic unwanted meanwhile",
    "[cluster]") {
  auto s = bridge_up(t0);
  CHECK(s.want(ch_a) == link_actions{subscribe{ch_a}});
  CHECK(s.want(ch_a) == link_actions{});
  CHECK(s.want(user_7) == link_actions{subscribe{user_7}});
  CHECK(s.want(ch_b) == link_actions{subscribe{ch_b}});
  CHECK(s.unwant(ch_b) == link_actions{unsubscribe{ch_b}});
  CHECK(s.unwant(ch_b) == link_actions{});

  CHECK(s.lost(sub) ==
        link_actions{count_reconnect{}, set_connected{false}, connect_after{sub, 250ms}});
  // While it is away nothing is sent; its next connection subscribes what is wanted then.
  CHECK(s.want(ch_c) == link_actions{});
  CHECK(s.unwant(user_7) == link_actions{});
  CHECK(s.retry_due(sub) == link_actions{action::connect{sub}});
  CHECK(s.connected(sub, t0 + 1s) ==
        link_actions{subscribe{ch_a}, subscribe{ch_c}, subscribe{names.cluster()}});
  CHECK(s.wanted_count() == 2);

  CHECK(s.subscribed(ch_a) == link_actions{catch_up{"a"}});
  CHECK(s.subscribed(ch_c) == link_actions{catch_up{"c"}});
  CHECK(s.subscribed(names.cluster()) == link_actions{set_connected{true},
                                                      announce{envelope::kind::hello},
                                                      action::reload_revocations{}});
}

TEST_CASE("link_state: a confirmation releases exactly the waiters of its topic", "[cluster]") {
  auto s = bridge_up(t0);
  s.want(ch_a);
  s.want(user_7);
  CHECK(s.await_topic(t0, ch_a, 1) == link_actions{});
  CHECK(s.await_topic(t0, user_7, 2) == link_actions{});
  CHECK(s.await_topic(t0, ch_a, 3) == link_actions{});

  CHECK(s.subscribed(ch_a) == link_actions{catch_up{"a"}, release_waiter{1}, release_waiter{3}});
  // Confirmed: a new waiter goes on at once.
  CHECK(s.await_topic(t0, ch_a, 4) == link_actions{release_waiter{4}});
  // A user topic has nothing stored to catch up on.
  CHECK(s.subscribed(user_7) == link_actions{release_waiter{2}});
  s.heard(t0 + 3s);
  CHECK(s.tick(t0 + 3s) == link_actions{announce{envelope::kind::heartbeat}});
}

TEST_CASE("link_state: an unconfirmed waiter goes on at the first tick after subscribe_wait",
          "[cluster]") {
  auto s = bridge_up(t0);
  s.want(ch_a);
  s.await_topic(t0, ch_a, 1);
  s.await_topic(t0 + 1s, ch_a, 2);
  s.heard(t0 + 3s);
  const link_action heartbeat = announce{envelope::kind::heartbeat};

  CHECK(s.tick(t0 + 1999ms) == link_actions{heartbeat});
  CHECK(s.tick(t0 + 2s) == link_actions{heartbeat, release_waiter{1}});
  CHECK(s.tick(t0 + 3s) == link_actions{heartbeat, release_waiter{2}});
  CHECK(s.subscribed(ch_a) == link_actions{catch_up{"a"}});
}

TEST_CASE(
    "link_state: while the subscriber is away waiters go on at once; losing it releases "
    "every waiter",
    "[cluster]") {
  link_state s(names);
  s.start();
  CHECK(s.await_topic(t0, ch_a, 1) == link_actions{release_waiter{1}});

  s.connected(sub, t0);
  s.want(ch_a);
  CHECK(s.await_topic(t0, ch_a, 2) == link_actions{});
  CHECK(s.await_topic(t0, user_7, 3) == link_actions{});
  CHECK(s.lost(sub) == link_actions{release_waiter{2}, release_waiter{3}, count_reconnect{},
                                    connect_after{sub, 250ms}});
  CHECK(s.await_topic(t0, ch_a, 4) == link_actions{release_waiter{4}});
}

TEST_CASE("link_state: stop releases every waiter, then nothing is retried or announced",
          "[cluster]") {
  auto s = bridge_up(t0);
  s.want(ch_a);
  s.await_topic(t0, ch_a, 1);
  s.peer_heard(t0, "b", envelope::kind::heartbeat);

  CHECK(s.stop() == link_actions{release_waiter{1}});
  CHECK(s.stopped());
  CHECK(s.await_topic(t0, ch_a, 2) == link_actions{release_waiter{2}});
  CHECK(s.failed(pub) == link_actions{});
  CHECK(s.retry_due(sub) == link_actions{});
  CHECK(s.tick(t0 + 10s) == link_actions{});
}

TEST_CASE("link_state: a silent peer is forgotten exactly once, heard again, it joins again",
          "[cluster]") {
  auto s = bridge_up(t0);
  const link_action heartbeat = announce{envelope::kind::heartbeat};
  // Its first words are not a hello: we missed that, so we ask everyone for presence.
  CHECK(s.peer_heard(t0, "b", envelope::kind::heartbeat) ==
        link_actions{node_joined{"b"}, announce{envelope::kind::hello}});
  CHECK(s.peer_heard(t0 + 1s, "c", envelope::kind::hello) ==
        link_actions{node_joined{"c"}, announce{envelope::kind::snapshot}});
  CHECK(s.peer_count() == 2);

  s.heard(t0 + 6s);
  CHECK(s.peer_heard(t0 + 4s, "c", envelope::kind::heartbeat) == link_actions{});
  // Silent for exactly peer_timeout is not yet gone.
  CHECK(s.tick(t0 + 5s) == link_actions{heartbeat});
  CHECK(s.tick(t0 + 6s) == link_actions{heartbeat, node_gone{"b"}});
  CHECK(s.peer_count() == 1);
  CHECK(s.tick(t0 + 6500ms) == link_actions{heartbeat});

  CHECK(s.peer_heard(t0 + 7s, "b", envelope::kind::presence) ==
        link_actions{node_joined{"b"}, announce{envelope::kind::hello}});
  s.heard(t0 + 10s);
  CHECK(s.tick(t0 + 10s) == link_actions{heartbeat, node_gone{"c"}});
}

TEST_CASE(
    "link_state: every hello is answered with a snapshot; a missed hello is asked for "
    "at most once a heartbeat",
    "[cluster]") {
  auto s = bridge_up(t0);
  CHECK(s.peer_heard(t0, "b", envelope::kind::hello) ==
        link_actions{node_joined{"b"}, announce{envelope::kind::snapshot}});
  // Known already (it restarted under the same name or reconnected): answered again.
  CHECK(s.peer_heard(t0 + 100ms, "b", envelope::kind::hello) ==
        link_actions{announce{envelope::kind::snapshot}});
  CHECK(s.peer_heard(t0, "c", envelope::kind::presence) ==
        link_actions{node_joined{"c"}, announce{envelope::kind::hello}});
  CHECK(s.peer_heard(t0 + 1s, "d", envelope::kind::heartbeat) == link_actions{node_joined{"d"}});
  CHECK(s.peer_heard(t0 + 1001ms, "e", envelope::kind::heartbeat) ==
        link_actions{node_joined{"e"}, announce{envelope::kind::hello}});
}

TEST_CASE(
    "link_state: our subscriber, hearing nothing for peer_timeout, is dropped and "
    "reconnected",
    "[cluster]") {
  auto s = bridge_up(t0);
  const link_action heartbeat = announce{envelope::kind::heartbeat};
  s.want(ch_a);
  s.heard(t0 + 1s);
  s.await_topic(t0 + 5s, ch_a, 1);

  CHECK(s.tick(t0 + 6s) == link_actions{heartbeat});
  CHECK(s.tick(t0 + 6001ms) == link_actions{heartbeat, action::drop_subscriber{}, release_waiter{1},
                                            count_reconnect{}, set_connected{false},
                                            connect_after{sub, 250ms}});
  CHECK(s.status(sub) == connection_status::waiting_to_retry);
  // Away: no second drop, however long.
  CHECK(s.tick(t0 + 20s) == link_actions{heartbeat});

  CHECK(s.retry_due(sub) == link_actions{action::connect{sub}});
  // The new connection starts its own silence count.
  CHECK(s.connected(sub, t0 + 21s) == link_actions{subscribe{ch_a}, subscribe{names.cluster()}});
  CHECK(s.tick(t0 + 26s) == link_actions{heartbeat});
}

TEST_CASE("link_state: late and out-of-order answers change nothing", "[cluster]") {
  auto s = bridge_up(t0);

  SECTION("a confirmation for a topic no longer wanted") {
    s.want(ch_a);
    s.unwant(ch_a);
    CHECK(s.await_topic(t0, ch_a, 1) == link_actions{});
    CHECK(s.subscribed(ch_a) == link_actions{});
    // Not confirmed: its waiter keeps its deadline.
    CHECK(s.await_topic(t0, ch_a, 2) == link_actions{});
  }

  SECTION("confirmations from a connection since lost") {
    s.want(ch_a);
    s.lost(sub);
    CHECK(s.subscribed(ch_a) == link_actions{});
    CHECK(s.subscribed(names.cluster()) == link_actions{});
    s.retry_due(sub);
    s.connected(sub, t0 + 1s);
    // The late answer did not count for the new connection.
    CHECK(s.await_topic(t0 + 1s, ch_a, 1) == link_actions{});
    CHECK(s.subscribed(ch_a) == link_actions{catch_up{"a"}, release_waiter{1}});
  }

  SECTION("a retry that is no longer due") {
    CHECK(s.retry_due(pub) == link_actions{});
    CHECK(s.status(pub) == connection_status::connected);
  }
}

TEST_CASE("link_state: a publisher back after a failed publish announces a resync, once",
          "[cluster]") {
  auto s = bridge_up(t0);
  s.publish_failed();
  CHECK(s.lost(pub) ==
        link_actions{count_reconnect{}, set_connected{false}, connect_after{pub, 250ms}});
  s.retry_due(pub);
  CHECK(s.connected(pub, t0 + 1s) ==
        link_actions{announce{envelope::kind::resync}, set_connected{true}});

  s.lost(pub);
  s.retry_due(pub);
  CHECK(s.connected(pub, t0 + 2s) == link_actions{set_connected{true}});
}

TEST_CASE("link_state: a secondary server's link announces nothing but heartbeats, and resyncs",
          "[cluster]") {
  link_state s(names, false);
  s.start();
  s.connected(pub, t0);
  CHECK(s.connected(sub, t0) == link_actions{subscribe{names.cluster()}});
  // Its cluster topic carries heartbeats only: no hello, no revocations to reload.
  CHECK(s.subscribed(names.cluster()) == link_actions{set_connected{true}});
  CHECK(s.want(ch_a) == link_actions{subscribe{ch_a}});
  CHECK(s.subscribed(ch_a) == link_actions{catch_up{"a"}});
  CHECK(s.tick(t0 + 1s) == link_actions{announce{envelope::kind::heartbeat}});
  // A failed publish on this server is made good on it.
  s.publish_failed();
  s.lost(pub);
  CHECK(s.connected(pub, t0 + 2s) ==
        link_actions{announce{envelope::kind::resync}, set_connected{true}});
}
