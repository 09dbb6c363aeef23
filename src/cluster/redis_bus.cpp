#include "parley/cluster/redis_bus.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "parley/log/log.hpp"
#include "parley/store/revoked_tokens.hpp"
#include "parley/util/clock.hpp"

namespace parley::cluster {
namespace asio = boost::asio;

namespace {

constexpr std::chrono::milliseconds first_backoff{250};
constexpr std::chrono::milliseconds max_backoff{5000};
/// Publishes waiting for Redis beyond this are dropped (counted) rather than buffered.
constexpr std::size_t max_in_flight = 200000;

}  // namespace

redis_bus::redis_bus(const config::redis_url& url, std::string node, chat::hub& hub, store::store& db,
         auth::token_service& tokens, metrics::registry& metrics)
    : node_(std::move(node)),
      topics_(url.db),
      hub_(hub),
      db_(db),
      tokens_(tokens),
      metrics_(metrics),
      work_(ctx_.get_executor()),
      pub_(ctx_, url),
      sub_(ctx_, url),
      pub_retry_(ctx_),
      sub_retry_(ctx_),
      ticker_(ctx_),
      pub_backoff_(first_backoff),
      sub_backoff_(first_backoff),
      order_([&hub](const chat::outgoing_message& m) { hub.publish(m); }) {
  metrics_.redis_connected.store(0, std::memory_order_relaxed);
  sub_.on_message(
      [this](std::string_view topic, std::string_view payload) { on_message(topic, payload); });
  sub_.on_subscribed([this](std::string_view topic) { on_subscribed(topic); });
}

redis_bus::~redis_bus() {
  stop();
}

void redis_bus::start() {
  asio::post(ctx_, [this] {
    connect_publisher();
    connect_subscriber();
    tick();
  });
  thread_ = std::thread([this] { ctx_.run(); });
}

void redis_bus::stop() {
  if (!thread_.joinable()) {
    return;
  }
  asio::post(ctx_, [this] {
    stopping_ = true;
    pub_retry_.cancel();
    sub_retry_.cancel();
    ticker_.cancel();
    pub_.close();
    sub_.close();
    release_waiters(true, clock::now());
    work_.reset();
  });
  thread_.join();
}

void redis_bus::connect_publisher() {
  pub_.open(
      [this](bool ok) {
        if (!ok) {
          retry(true);
          return;
        }
        PARLEY_LOG(info, "redis") << "publisher connected";
        pub_backoff_ = first_backoff;
        if (publish_failed_) {
          // Some of our messages may never have reached the others: they read the database.
          publish_failed_ = false;
          announce(envelope::kind::resync);
        }
        update_state();
      },
      [this](std::string why) {
        PARLEY_LOG(warn, "redis") << "publisher connection lost: " << why;
        metrics_.redis_reconnects_total.fetch_add(1, std::memory_order_relaxed);
        update_state();
        retry(true);
      });
}

void redis_bus::connect_subscriber() {
  sub_.open(
      [this](bool ok) {
        if (!ok) {
          retry(false);
          return;
        }
        sub_backoff_ = first_backoff;
        last_heard_ = clock::now();
        for (const auto& topic : wanted_) {
          sub_.subscribe(topic);
        }
        // Last: its confirmation means every subscription above is in effect.
        sub_.subscribe(topics_.cluster());
      },
      [this](std::string why) {
        PARLEY_LOG(warn, "redis") << "subscriber connection lost: " << why;
        confirmed_.clear();
        release_waiters(true, clock::now());
        metrics_.redis_reconnects_total.fetch_add(1, std::memory_order_relaxed);
        update_state();
        retry(false);
      });
}

void redis_bus::retry(bool publisher) {
  if (stopping_) {
    return;
  }
  auto& backoff = publisher ? pub_backoff_ : sub_backoff_;
  auto& timer = publisher ? pub_retry_ : sub_retry_;
  timer.expires_after(backoff);
  backoff = std::min(backoff * 2, max_backoff);
  timer.async_wait([this, publisher](const boost::system::error_code& ec) {
    if (ec || stopping_) {
      return;
    }
    publisher ? connect_publisher() : connect_subscriber();
  });
}

void redis_bus::update_state() {
  const int now = pub_.ready() && sub_.ready() ? 1 : 0;
  if (metrics_.redis_connected.exchange(now, std::memory_order_relaxed) != now) {
    PARLEY_LOG(info, "redis") << (now ? "cluster bus up" : "cluster bus down: serving locally");
  }
}

void redis_bus::on_subscribed(std::string_view topic) {
  if (topic != topics_.cluster()) {
    std::string t(topic);
    if (!wanted_.contains(t)) {
      return;
    }
    if (auto channel = topics_.channel_of(t); !channel.empty()) {
      // Messages stored since the first local join, or while Redis was away, were published
      // before we listened: read them.
      db_.post([this, channel](store::database& db) { order_.catch_up(db, channel); });
    }
    if (auto it = waiters_.find(t); it != waiters_.end()) {
      for (auto& w : it->second) {
        w.done();
      }
      waiters_.erase(it);
    }
    confirmed_.insert(std::move(t));
    return;
  }
  PARLEY_LOG(info, "redis") << "subscriber connected (" << wanted_.size() + 1 << " topics)";
  update_state();
  // Introduce ourselves (the others answer with their presence) and reload revocations made
  // while we were not listening. Each channel reads what it missed when its own subscription
  // is confirmed (above).
  announce(envelope::kind::hello);
  db_.post([this](store::database& db) {
    tokens_.load(store::load_revoked_tokens(db, util::unix_seconds()));
  });
}

envelope redis_bus::stamped(envelope::kind type) const {
  envelope e;
  e.type = type;
  e.node = node_;
  return e;
}

void redis_bus::announce(envelope::kind type) {
  auto e = stamped(type);
  if (type == envelope::kind::hello || type == envelope::kind::snapshot) {
    e.entries = hub_.local_presence();
  }
  publish(topics_.cluster(), encode(e));
}

void redis_bus::publish(const std::string& topic, const std::string& payload) {
  if (!pub_.ready() || pub_.in_flight() >= max_in_flight ||
      !pub_.command({"PUBLISH", topic, payload}, [this](std::optional<redis::reply> r) {
        if (!r || r->error) {
          publish_failed_ = true;
          metrics_.redis_publish_failures_total.fetch_add(1, std::memory_order_relaxed);
        }
      })) {
    publish_failed_ = true;
    metrics_.redis_publish_failures_total.fetch_add(1, std::memory_order_relaxed);
  }
}

void redis_bus::on_message(std::string_view, std::string_view payload) {
  last_heard_ = clock::now();
  auto e = decode(payload);
  if (!e) {
    PARLEY_LOG(warn, "redis") << "ignored a malformed cluster message";
    return;
  }
  if (e->node == node_) {
    return;
  }
  on_envelope(std::move(*e));
}

void redis_bus::on_envelope(envelope e) {
  const auto now = clock::now();
  const bool known = peers_.contains(e.node);
  peers_[e.node] = now;
  if (!known) {
    PARLEY_LOG(info, "redis") << "instance " << e.node << " joined the cluster";
    if (e.type != envelope::kind::hello && now - last_hello_ > heartbeat_interval) {
      // We missed its hello (it started while we were away): ask everyone for presence.
      last_hello_ = now;
      announce(envelope::kind::hello);
    }
  }
  switch (e.type) {
    case envelope::kind::message:
      if (e.message.direct) {
        // It came on one user's topic: deliver to that user only (the other user's topic
        // brings the other copy).
        e.message.dm_user_a = e.message.dm_user_b = e.user_id;
        db_.post([this, m = std::move(e.message)](store::database&) { hub_.publish(m); });
      } else {
        db_.post([this, m = std::move(e.message)](store::database& db) { order_.offer(db, m); });
      }
      break;
    case envelope::kind::channel_frame:
      hub_.broadcast_local(e.channel, proto::make_frame(std::move(e.frame)));
      break;
    case envelope::kind::user_frame:
      hub_.send_to_user_local(e.user_id, proto::make_frame(std::move(e.frame)));
      break;
    case envelope::kind::presence:
      hub_.remote_presence_changed(e.node, e.entry, e.present);
      break;
    case envelope::kind::hello:
      hub_.remote_presence_replaced(e.node, e.entries);
      announce(envelope::kind::snapshot);
      break;
    case envelope::kind::snapshot:
      hub_.remote_presence_replaced(e.node, e.entries);
      break;
    case envelope::kind::revoke:
      tokens_.revoke(e.jti, e.expires_at, util::unix_seconds());
      break;
    case envelope::kind::resync:
      db_.post([this](store::database& db) { order_.catch_up(db); });
      break;
    case envelope::kind::heartbeat:
      break;
  }
}

void redis_bus::tick() {
  if (stopping_) {
    return;
  }
  const auto now = clock::now();
  if (pub_.ready()) {
    announce(envelope::kind::heartbeat);
  }
  if (sub_.ready() && now - last_heard_ > peer_timeout) {
    // Not even our own heartbeats come back: the subscriber connection is dead.
    PARLEY_LOG(warn, "redis") << "subscriber silent for " << peer_timeout.count()
                              << " s: reconnecting";
    sub_.close();
    confirmed_.clear();
    release_waiters(true, now);
    metrics_.redis_reconnects_total.fetch_add(1, std::memory_order_relaxed);
    update_state();
    retry(false);
  }
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (now - it->second > peer_timeout) {
      PARLEY_LOG(info, "redis") << "instance " << it->first << " silent: forgetting its users";
      hub_.remote_node_gone(it->first);
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  release_waiters(false, now);
  metrics_.cluster_peers.store(static_cast<std::int64_t>(peers_.size()), std::memory_order_relaxed);
  ticker_.expires_after(heartbeat_interval);
  ticker_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      tick();
    }
  });
}

void redis_bus::channel_active(const std::string& channel, bool active) {
  db_.post([this, channel, active](store::database& db) {
    active ? order_.activate(db, channel) : order_.deactivate(channel);
  });
  asio::post(ctx_, [this, topic = topics_.channel(channel), active] { want(topic, active); });
}

void redis_bus::user_active(std::int64_t user_id, bool active) {
  asio::post(ctx_, [this, topic = topics_.user(user_id), active] { want(topic, active); });
}

void redis_bus::want(const std::string& topic, bool wanted) {
  if (wanted) {
    if (wanted_.insert(topic).second) {
      sub_.subscribe(topic);
    }
  } else if (wanted_.erase(topic) > 0) {
    confirmed_.erase(topic);
    sub_.unsubscribe(topic);
  }
}

asio::awaitable<void> redis_bus::topic_ready(std::string topic) {
  return asio::async_initiate<const asio::use_awaitable_t<>, void()>(
      [this](auto handler, std::string t) {
        auto ex = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        when_subscribed(std::move(t), [ex, shared] {
          asio::post(ex, [shared]() mutable { std::move (*shared)(); });
        });
      },
      asio::use_awaitable, std::move(topic));
}

void redis_bus::when_subscribed(std::string topic, std::function<void()> done) {
  asio::post(ctx_, [this, topic = std::move(topic), done = std::move(done)]() mutable {
    if (!sub_.ready() || confirmed_.contains(topic) || stopping_) {
      done();
      return;
    }
    waiters_[topic].push_back({clock::now() + subscribe_wait, std::move(done)});
  });
}

void redis_bus::release_waiters(bool all, clock::time_point now) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    auto& list = it->second;
    auto keep = std::partition(list.begin(), list.end(),
                               [&](const waiter& w) { return !all && w.deadline > now; });
    for (auto w = keep; w != list.end(); ++w) {
      w->done();
    }
    list.erase(keep, list.end());
    it = list.empty() ? waiters_.erase(it) : std::next(it);
  }
}

void redis_bus::presence_changed(const chat::presence_entry& entry, bool present) {
  auto e = stamped(envelope::kind::presence);
  e.entry = entry;
  e.present = present;
  asio::post(ctx_, [this, payload = encode(e)] { publish(topics_.cluster(), payload); });
}

void redis_bus::channel_frame(const std::string& channel, const chat::shared_frame& frame) {
  auto e = stamped(envelope::kind::channel_frame);
  e.channel = channel;
  e.frame = *frame;
  asio::post(ctx_, [this, topic = topics_.channel(channel), payload = encode(e)] {
    publish(topic, payload);
  });
}

void redis_bus::user_frame(std::int64_t user_id, const chat::shared_frame& frame) {
  auto e = stamped(envelope::kind::user_frame);
  e.user_id = user_id;
  e.frame = *frame;
  asio::post(ctx_, [this, topic = topics_.user(user_id), payload = encode(e)] {
    publish(topic, payload);
  });
}

void redis_bus::token_revoked(const std::string& jti, std::int64_t expires_at) {
  auto e = stamped(envelope::kind::revoke);
  e.jti = jti;
  e.expires_at = expires_at;
  asio::post(ctx_, [this, payload = encode(e)] { publish(topics_.cluster(), payload); });
}

void redis_bus::committed(store::database& db, const std::vector<chat::outgoing_message>& batch) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(batch.size());
  auto e = stamped(envelope::kind::message);
  for (const auto& m : batch) {
    e.message = m;
    if (m.direct) {
      hub_.publish(m);
      e.user_id = m.dm_user_a;
      out.emplace_back(topics_.user(m.dm_user_a), encode(e));
      if (m.dm_user_b != m.dm_user_a) {
        e.user_id = m.dm_user_b;
        out.emplace_back(topics_.user(m.dm_user_b), encode(e));
      }
    } else {
      order_.offer(db, m);
      out.emplace_back(topics_.channel(m.channel), encode(e));
    }
  }
  asio::post(ctx_, [this, out = std::move(out)] {
    for (const auto& [topic, payload] : out) {
      publish(topic, payload);
    }
  });
}

}  // namespace parley::cluster
