#include "parley/cluster/link_state.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace parley::cluster {

link_state::link_state(topics names, bool primary) : topics_(std::move(names)), primary_(primary) {}

link_actions link_state::start() {
  publisher_.status = connection_status::connecting;
  subscriber_.status = connection_status::connecting;
  return {action::connect{connection_role::publisher},
          action::connect{connection_role::subscriber}};
}

link_actions link_state::stop() {
  stopped_ = true;
  publisher_.status = connection_status::closed;
  subscriber_.status = connection_status::closed;
  link_actions out;
  release_all(out);
  return out;
}

link_state::connection& link_state::of(connection_role role) {
  return role == connection_role::publisher ? publisher_ : subscriber_;
}

connection_status link_state::status(connection_role role) const {
  return role == connection_role::publisher ? publisher_.status : subscriber_.status;
}

link_actions link_state::connected(connection_role role, clock::time_point now) {
  auto& c = of(role);
  c.status = connection_status::connected;
  c.backoff.reset();
  link_actions out;
  if (role == connection_role::publisher) {
    if (publish_failed_) {
      // Some of our messages may never have reached the others: they read the database.
      publish_failed_ = false;
      out.emplace_back(action::announce{envelope::kind::resync});
    }
    update_connected(out);
    return out;
  }
  last_heard_ = now;
  for (const auto& topic : wanted_) {
    out.emplace_back(action::subscribe{topic});
  }
  // Last: Redis confirms in order, so its confirmation means every one above is in effect.
  out.emplace_back(action::subscribe{topics_.cluster()});
  return out;
}

link_actions link_state::failed(connection_role role) {
  of(role).status = connection_status::closed;
  link_actions out;
  retry(role, out);
  return out;
}

link_actions link_state::lost(connection_role role) {
  link_actions out;
  if (role == connection_role::subscriber) {
    subscriber_down(out);
    return out;
  }
  publisher_.status = connection_status::closed;
  out.emplace_back(action::count_reconnect{});
  update_connected(out);
  retry(role, out);
  return out;
}

link_actions link_state::retry_due(connection_role role) {
  auto& c = of(role);
  if (c.status != connection_status::waiting_to_retry) {
    return {};
  }
  c.status = connection_status::connecting;
  return {action::connect{role}};
}

void link_state::retry(connection_role role, link_actions& out) {
  if (stopped_) {
    return;
  }
  auto& c = of(role);
  c.status = connection_status::waiting_to_retry;
  out.emplace_back(action::connect_after{role, c.backoff.next()});
}

void link_state::subscriber_down(link_actions& out) {
  subscriber_.status = connection_status::closed;
  confirmed_.clear();
  // Nothing is confirmed any more, and nothing will be before a reconnect: waiting would only
  // delay joins that local delivery can serve now.
  release_all(out);
  out.emplace_back(action::count_reconnect{});
  update_connected(out);
  retry(connection_role::subscriber, out);
}

void link_state::update_connected(link_actions& out) {
  const bool up = publisher_.status == connection_status::connected &&
                  subscriber_.status == connection_status::connected;
  if (up != connected_) {
    connected_ = up;
    out.emplace_back(action::set_connected{up});
  }
}

link_actions link_state::subscribed(std::string_view topic) {
  link_actions out;
  if (subscriber_.status != connection_status::connected) {
    // A late answer on a connection since lost: the new one subscribes again.
    return out;
  }
  if (topic == topics_.cluster()) {
    update_connected(out);
    if (!primary_) {
      return out;
    }
    // Introduce ourselves (the others answer with their presence) and reload revocations made
    // while we were not listening. Each channel reads what it missed when its own subscription
    // is confirmed (below).
    out.emplace_back(action::announce{envelope::kind::hello});
    out.emplace_back(action::reload_revocations{});
    return out;
  }
  std::string wanted(topic);
  if (!wanted_.contains(wanted)) {
    // Unwanted since it was asked for: its waiters keep their deadline.
    return out;
  }
  if (auto channel = topics_.channel_of(wanted); !channel.empty()) {
    // Messages stored since the first local join, or while Redis was away, were published
    // before we listened: read them.
    out.emplace_back(action::catch_up{std::move(channel)});
  }
  release_waiters(wanted, out);
  confirmed_.insert(std::move(wanted));
  return out;
}

link_actions link_state::want(const std::string& topic) {
  link_actions out;
  // While the subscriber is away its next connection subscribes every wanted topic.
  if (wanted_.insert(topic).second && subscriber_.status == connection_status::connected) {
    out.emplace_back(action::subscribe{topic});
  }
  return out;
}

link_actions link_state::unwant(const std::string& topic) {
  link_actions out;
  if (wanted_.erase(topic) > 0) {
    confirmed_.erase(topic);
    if (subscriber_.status == connection_status::connected) {
      out.emplace_back(action::unsubscribe{topic});
    }
  }
  return out;
}

link_actions link_state::await_topic(clock::time_point now, const std::string& topic,
                                     waiter_id id) {
  if (subscriber_.status != connection_status::connected || confirmed_.contains(topic)) {
    return {action::release_waiter{id}};
  }
  waiters_[topic].push_back({id, now + subscribe_wait});
  return {};
}

void link_state::release_waiters(const std::string& topic, link_actions& out) {
  auto it = waiters_.find(topic);
  if (it == waiters_.end()) {
    return;
  }
  for (const auto& w : it->second) {
    out.emplace_back(action::release_waiter{w.id});
  }
  waiters_.erase(it);
}

void link_state::release_expired(clock::time_point now, link_actions& out) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    auto& list = it->second;
    const auto expired = std::stable_partition(list.begin(), list.end(),
                                               [now](const waiter& w) { return w.deadline > now; });
    for (auto w = expired; w != list.end(); ++w) {
      out.emplace_back(action::release_waiter{w->id});
    }
    list.erase(expired, list.end());
    it = list.empty() ? waiters_.erase(it) : std::next(it);
  }
}

void link_state::release_all(link_actions& out) {
  for (const auto& [topic, list] : waiters_) {
    for (const auto& w : list) {
      out.emplace_back(action::release_waiter{w.id});
    }
  }
  waiters_.clear();
}

link_actions link_state::peer_heard(clock::time_point now, const std::string& node,
                                    envelope::kind kind) {
  link_actions out;
  const bool joined = peers_.insert_or_assign(node, now).second;
  if (joined) {
    out.emplace_back(action::node_joined{node});
    if (kind != envelope::kind::hello && now - last_hello_ > heartbeat_interval) {
      // We missed its hello (it started while we were away): ask everyone for presence, at
      // most once per heartbeat however many peers we missed.
      last_hello_ = now;
      out.emplace_back(action::announce{envelope::kind::hello});
    }
  }
  if (kind == envelope::kind::hello) {
    out.emplace_back(action::announce{envelope::kind::snapshot});
  }
  return out;
}

link_actions link_state::tick(clock::time_point now) {
  link_actions out;
  if (stopped_) {
    return out;
  }
  if (publisher_.status == connection_status::connected) {
    out.emplace_back(action::announce{envelope::kind::heartbeat});
  }
  if (subscriber_.status == connection_status::connected && now - last_heard_ > peer_timeout) {
    // Not even our own heartbeats come back: the subscriber connection is dead.
    out.emplace_back(action::drop_subscriber{});
    subscriber_down(out);
  }
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (now - it->second > peer_timeout) {
      out.emplace_back(action::node_gone{it->first});
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  release_expired(now, out);
  return out;
}

}  // namespace parley::cluster
