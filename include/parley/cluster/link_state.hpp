#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "parley/cluster/link_action.hpp"
#include "parley/cluster/wire.hpp"
#include "parley/util/backoff.hpp"

namespace parley::cluster {

/// How often an instance says it is alive, and how long the others wait before forgetting its
/// users (and this instance its own silent subscriber connection).
constexpr std::chrono::seconds heartbeat_interval{1};
constexpr std::chrono::seconds peer_timeout{5};
/// The waits before reconnecting to Redis: the first, doubling up to the longest.
constexpr std::chrono::milliseconds first_backoff{250};
constexpr std::chrono::milliseconds max_backoff{5000};
/// The longest a join or a connect waits for its topic subscription before going on anyway
/// (checked at each tick, so up to one heartbeat_interval more).
constexpr std::chrono::seconds subscribe_wait{2};

/// Where one of the two Redis connections stands.
enum class connection_status {
  closed,            ///< before start() and after stop()
  connecting,        ///< an attempt is under way
  connected,         ///< open and usable
  waiting_to_retry,  ///< an attempt failed or the connection was lost; connect_after is pending
};

/// What the bridge to the other instances decides, without any I/O (sans-io, as Boost.Redis's
/// run_fsm and reader_fsm): which topics to subscribe and when, who waits for a subscription,
/// when to reconnect, what to say on the cluster topic, which instances are alive. The driver
/// (redis_bus) reports events, each with the time it happened, and performs the actions each
/// event returns, in order. No clock is read here. One thread: the bus thread.
///
/// On (re)connecting the subscriber every wanted topic is subscribed again, the cluster topic
/// last: its confirmation means the others are in effect, so the instance then says hello and
/// reloads revocations; each channel topic's confirmation catches that channel up from the
/// database. A publisher back after a failed publish announces a resync.
class link_state {
 public:
  using clock = std::chrono::steady_clock;

  /// `primary`: the link to the (first) server that carries the cluster's announcements. A
  /// secondary link's cluster topic carries only heartbeats: its confirmation announces nothing
  /// and reloads nothing.
  explicit link_state(topics names, bool primary = true);

  /// Opens both connections.
  link_actions start();
  /// Releases every waiter; from now on nothing is retried or announced.
  link_actions stop();
  /// True once stop() was called.
  bool stopped() const { return stopped_; }

  /// The connection is open and usable (`now` starts the subscriber's silence count).
  link_actions connected(connection_role role, clock::time_point now);
  /// An attempt to open the connection failed.
  link_actions failed(connection_role role);
  /// The connection, open until now, was lost.
  link_actions lost(connection_role role);
  /// The wait asked by connect_after is over.
  link_actions retry_due(connection_role role);
  /// Where the connection stands.
  connection_status status(connection_role role) const;

  /// Redis confirmed the subscriber's subscription to `topic`.
  link_actions subscribed(std::string_view topic);
  /// A publish did not reach Redis: the others may have missed it.
  void publish_failed() { publish_failed_ = true; }

  /// A local session needs `topic` (a channel's or a user's).
  link_actions want(const std::string& topic);
  /// No local session needs `topic` any more.
  link_actions unwant(const std::string& topic);
  /// Topics wanted now, besides the cluster topic.
  std::size_t wanted_count() const { return wanted_.size(); }
  /// `id` waits until `topic` is subscribed: released at once if it is, or while Redis is away;
  /// otherwise on its confirmation, or after `subscribe_wait`.
  link_actions await_topic(clock::time_point now, const std::string& topic, waiter_id id);

  /// Anything arrived on the subscriber connection, our own echoes included.
  void heard(clock::time_point now) { last_heard_ = now; }
  /// An envelope of `kind` arrived from the instance `node` (not this one).
  link_actions peer_heard(clock::time_point now, const std::string& node, envelope::kind kind);
  /// Other instances heard within `peer_timeout`.
  std::size_t peer_count() const { return peers_.size(); }

  /// Every `heartbeat_interval`: our heartbeat, silence of peers and of our subscriber, waiter
  /// deadlines.
  link_actions tick(clock::time_point now);

 private:
  struct connection {
    connection_status status = connection_status::closed;
    util::backoff backoff{first_backoff, max_backoff};
  };
  struct waiter {
    waiter_id id;
    clock::time_point deadline;
  };

  connection& of(connection_role role);
  void retry(connection_role role, link_actions& out);
  void subscriber_down(link_actions& out);
  void update_connected(link_actions& out);
  void release_waiters(const std::string& topic, link_actions& out);
  void release_expired(clock::time_point now, link_actions& out);
  void release_all(link_actions& out);

  const topics topics_;
  const bool primary_;
  connection publisher_;
  connection subscriber_;
  bool stopped_ = false;
  bool publish_failed_ = false;  ///< since the last resync announced
  bool connected_ = false;       ///< as last reported by set_connected
  std::set<std::string> wanted_;
  std::set<std::string> confirmed_;  ///< on the current subscriber connection
  std::map<std::string, std::vector<waiter>> waiters_;
  std::map<std::string, clock::time_point> peers_;  ///< node → last heard
  clock::time_point last_heard_{};                  ///< by our subscriber
  clock::time_point last_hello_{};                  ///< sent for a peer whose hello we missed
};

}  // namespace parley::cluster
