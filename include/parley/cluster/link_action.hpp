#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "parley/cluster/wire.hpp"

namespace parley::cluster {

/// The two Redis connections of an instance.
enum class connection_role { publisher, subscriber };

/// Names one caller waiting for a topic's subscription; chosen by the driver, which keeps what
/// to run on release.
using waiter_id = std::uint64_t;

/// What link_state asks its driver to do. Each is one step, performed in the order given.
namespace action {

/// Open the connection now.
struct connect {
  connection_role role;
  bool operator==(const connect&) const = default;
};

/// Open the connection once `delay` has passed, then report link_state::retry_due.
struct connect_after {
  connection_role role;
  std::chrono::milliseconds delay;
  bool operator==(const connect_after&) const = default;
};

/// Close the subscriber connection, which no longer hears even our own heartbeats; closing it
/// reports no loss (link_state already knows).
struct drop_subscriber {
  bool operator==(const drop_subscriber&) const = default;
};

/// SUBSCRIBE on the subscriber connection.
struct subscribe {
  std::string topic;
  bool operator==(const subscribe&) const = default;
};

/// UNSUBSCRIBE on the subscriber connection.
struct unsubscribe {
  std::string topic;
  bool operator==(const unsubscribe&) const = default;
};

/// Publish an envelope of this kind about this instance on the cluster topic (hello and
/// snapshot carry its local presence).
struct announce {
  envelope::kind kind;
  bool operator==(const announce&) const = default;
};

/// Let the waiter go on: its topic is subscribed, its deadline passed, or Redis is away.
struct release_waiter {
  waiter_id id;
  bool operator==(const release_waiter&) const = default;
};

/// Deliver what is stored in the channel beyond what was delivered: its subscription just took
/// effect, and what was published before it was not heard.
struct catch_up {
  std::string channel;
  bool operator==(const catch_up&) const = default;
};

/// Reload revoked tokens from the database: revocations published while we were not listening.
struct reload_revocations {
  bool operator==(const reload_revocations&) const = default;
};

/// An instance not heard from before (or since it was forgotten) spoke.
struct node_joined {
  std::string node;
  bool operator==(const node_joined&) const = default;
};

/// An instance was silent for `peer_timeout`: forget its users.
struct node_gone {
  std::string node;
  bool operator==(const node_gone&) const = default;
};

/// A connection that was up went down (parley_redis_reconnects_total).
struct count_reconnect {
  bool operator==(const count_reconnect&) const = default;
};

/// The bridge went up (both connections ready) or down (parley_redis_connected, /readyz).
struct set_connected {
  bool connected;
  bool operator==(const set_connected&) const = default;
};

}  // namespace action

/// One step asked of the driver.
using link_action =
    std::variant<action::connect, action::connect_after, action::drop_subscriber, action::subscribe,
                 action::unsubscribe, action::announce, action::release_waiter, action::catch_up,
                 action::reload_revocations, action::node_joined, action::node_gone,
                 action::count_reconnect, action::set_connected>;

/// The steps one event asks for, in order.
using link_actions = std::vector<link_action>;

}  // namespace parley::cluster
