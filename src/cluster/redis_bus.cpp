#include "parley/cluster/redis_bus.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <variant>

#include "parley/log/log.hpp"
#include "parley/store/revoked_tokens.hpp"
#include "parley/util/clock.hpp"

namespace parley::cluster {
namespace asio = boost::asio;

namespace {

/// Publishes waiting for Redis beyond this are dropped (counted) rather than buffered.
constexpr std::size_t max_in_flight = 200000;

}  // namespace

redis_bus::redis_bus(const config::redis_url& url, std::string node, chat::hub& hub,
                     store::store& db, auth::token_service& tokens,
                     chat::membership_cache& memberships, metrics::registry& metrics)
    : node_(std::move(node)),
      topics_(url.db),
      hub_(hub),
      db_(db),
      tokens_(tokens),
      memberships_(memberships),
      metrics_(metrics),
      work_(ctx_.get_executor()),
      pub_(ctx_, url),
      sub_(ctx_, url),
      pub_retry_(ctx_),
      sub_retry_(ctx_),
      ticker_(ctx_),
      state_(topics_),
      order_([&hub](const chat::outgoing_message& m) { hub.publish(m); }),
      dispatcher_(node_, hub, db, tokens, memberships, order_) {
  metrics_.redis_connected.store(0, std::memory_order_relaxed);
  sub_.on_message([this](std::string_view, std::string_view payload) { on_message(payload); });
  sub_.on_subscribed([this](std::string_view topic) { on_subscribed(topic); });
}

redis_bus::~redis_bus() {
  stop();
}

void redis_bus::start() {
  asio::post(ctx_, [this] {
    perform(state_.start());
    tick();
  });
  thread_ = std::thread([this] { ctx_.run(); });
}

void redis_bus::stop() {
  if (!thread_.joinable()) {
    return;
  }
  asio::post(ctx_, [this] {
    pub_retry_.cancel();
    sub_retry_.cancel();
    ticker_.cancel();
    pub_.close();
    sub_.close();
    perform(state_.stop());
    work_.reset();
  });
  thread_.join();
}

void redis_bus::perform(const link_actions& actions) {
  for (const auto& a : actions) {
    std::visit([this](const auto& one) { perform(one); }, a);
  }
}

redis::connection& redis_bus::connection_of(connection_role role) {
  return role == connection_role::publisher ? pub_ : sub_;
}

void redis_bus::perform(const action::connect& a) {
  const bool publisher = a.role == connection_role::publisher;
  connection_of(a.role).open(
      [this, role = a.role, publisher](bool ok) {
        if (!ok) {
          perform(state_.failed(role));
          return;
        }
        if (publisher) {
          // The subscriber says so once its subscriptions are in effect (on_subscribed).
          PARLEY_LOG(info, "redis") << "publisher connected";
          refresh_liveness();
        }
        perform(state_.connected(role, clock::now()));
      },
      [this, role = a.role, publisher](std::string why) {
        PARLEY_LOG(warn, "redis") << (publisher ? "publisher" : "subscriber")
                                  << " connection lost: " << why;
        perform(state_.lost(role));
      });
}

void redis_bus::perform(const action::connect_after& a) {
  auto& timer = a.role == connection_role::publisher ? pub_retry_ : sub_retry_;
  timer.expires_after(a.delay);
  timer.async_wait([this, role = a.role](const boost::system::error_code& ec) {
    if (!ec) {
      perform(state_.retry_due(role));
    }
  });
}

void redis_bus::perform(const action::drop_subscriber&) {
  PARLEY_LOG(warn, "redis") << "subscriber silent for " << peer_timeout.count()
                            << " s: reconnecting";
  sub_.close();
}

void redis_bus::perform(const action::subscribe& a) {
  sub_.subscribe(a.topic);
}

void redis_bus::perform(const action::unsubscribe& a) {
  sub_.unsubscribe(a.topic);
}

void redis_bus::perform(const action::announce& a) {
  auto e = stamped(a.kind);
  if (a.kind == envelope::kind::hello || a.kind == envelope::kind::snapshot) {
    e.entries = hub_.local_presence();
  }
  publish(topics_.cluster(), encode(e));
}

void redis_bus::perform(const action::release_waiter& a) {
  auto it = waiters_.find(a.id);
  if (it == waiters_.end()) {
    return;
  }
  auto done = std::move(it->second);
  waiters_.erase(it);
  done();
}

void redis_bus::perform(const action::catch_up& a) {
  db_.post([this, channel = a.channel](store::database& db) { order_.catch_up(db, channel); });
}

void redis_bus::perform(const action::reload_revocations&) {
  // Memberships forgotten on other instances while we were not listening: the cache starts over.
  memberships_.clear();
  db_.post([this](store::database& db) {
    tokens_.load(store::load_revoked_tokens(db, util::unix_seconds()));
  });
}

void redis_bus::perform(const action::node_joined& a) {
  PARLEY_LOG(info, "redis") << "instance " << a.node << " joined the cluster";
}

void redis_bus::perform(const action::node_gone& a) {
  PARLEY_LOG(info, "redis") << "instance " << a.node << " silent: forgetting its users";
  hub_.remote_node_gone(a.node);
}

void redis_bus::perform(const action::count_reconnect&) {
  metrics_.redis_reconnects_total.fetch_add(1, std::memory_order_relaxed);
}

void redis_bus::perform(const action::set_connected& a) {
  metrics_.redis_connected.store(a.connected ? 1 : 0, std::memory_order_relaxed);
  PARLEY_LOG(info, "redis") << (a.connected ? "cluster bus up"
                                            : "cluster bus down: serving locally");
}

void redis_bus::on_subscribed(std::string_view topic) {
  if (topic == topics_.cluster()) {
    PARLEY_LOG(info, "redis") << "subscriber connected (" << state_.wanted_count() + 1
                              << " topics)";
  }
  perform(state_.subscribed(topic));
}

void redis_bus::on_message(std::string_view payload) {
  const auto now = clock::now();
  state_.heard(now);
  auto e = decode(payload);
  if (!e) {
    PARLEY_LOG(warn, "redis") << "ignored a malformed cluster message";
    return;
  }
  if (e->node == node_) {
    return;
  }
  perform(state_.peer_heard(now, e->node, e->type));
  dispatcher_.dispatch(std::move(*e));
}

void redis_bus::tick() {
  if (state_.stopped()) {
    return;
  }
  perform(state_.tick(clock::now()));
  refresh_liveness();
  metrics_.cluster_peers.store(static_cast<std::int64_t>(state_.peer_count()),
                               std::memory_order_relaxed);
  ticker_.expires_after(heartbeat_interval);
  ticker_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      tick();
    }
  });
}

envelope redis_bus::stamped(envelope::kind type) const {
  envelope e;
  e.type = type;
  e.node = node_;
  return e;
}

void redis_bus::publish(const std::string& topic, const std::string& payload) {
  const auto failed = [this] {
    state_.publish_failed();
    metrics_.redis_publish_failures_total.fetch_add(1, std::memory_order_relaxed);
  };
  if (!pub_.ready() || pub_.in_flight() >= max_in_flight ||
      !pub_.command({"PUBLISH", topic, payload}, [failed](std::optional<redis::reply> r) {
        if (!r || r->error) {
          failed();
        }
      })) {
    failed();
  }
}

void redis_bus::publish_later(std::string topic, std::string payload) {
  asio::post(ctx_, [this, topic = std::move(topic), payload = std::move(payload)] {
    publish(topic, payload);
  });
}

void redis_bus::channel_active(const std::string& channel, bool active) {
  db_.post([this, channel, active](store::database& db) {
    active ? order_.activate(db, channel) : order_.deactivate(channel);
  });
  asio::post(ctx_, [this, topic = topics_.channel(channel), active] {
    perform(active ? state_.want(topic) : state_.unwant(topic));
  });
}

void redis_bus::user_active(std::int64_t user_id, bool active) {
  asio::post(ctx_, [this, topic = topics_.user(user_id), active] {
    perform(active ? state_.want(topic) : state_.unwant(topic));
  });
}

asio::awaitable<void> redis_bus::topic_ready(std::string topic, bool after_store) {
  return asio::async_initiate<const asio::use_awaitable_t<>, void()>(
      [this, after_store](auto handler, std::string t) {
        auto ex = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto wait = [this, ex, shared](std::string topic) {
          when_subscribed(std::move(topic), [ex, shared] {
            asio::post(ex, [shared]() mutable { std::move (*shared)(); });
          });
        };
        if (!after_store) {
          wait(std::move(t));
          return;
        }
        // channel_active queued the channel's activation in delivery_order on the store thread
        // before this call. Answered before it ran, a join could miss a message that another
        // instance commits in between: the activation would count it as delivered already.
        db_.post([wait, t = std::move(t)](store::database&) mutable { wait(std::move(t)); });
      },
      asio::use_awaitable, std::move(topic));
}

void redis_bus::when_subscribed(std::string topic, std::function<void()> done) {
  asio::post(ctx_, [this, topic = std::move(topic), done = std::move(done)]() mutable {
    const auto id = next_waiter_++;
    waiters_.emplace(id, std::move(done));
    perform(state_.await_topic(clock::now(), topic, id));
  });
}

void redis_bus::presence_changed(const chat::presence_entry& entry, bool present) {
  auto e = stamped(envelope::kind::presence);
  e.entry = entry;
  e.present = present;
  publish_later(topics_.cluster(), encode(e));
}

void redis_bus::channel_frame(const std::string& channel, const chat::shared_frame& frame) {
  auto e = stamped(envelope::kind::channel_frame);
  e.channel = channel;
  e.frame = *frame;
  publish_later(topics_.channel(channel), encode(e));
}

void redis_bus::user_frame(std::int64_t user_id, const chat::shared_frame& frame) {
  auto e = stamped(envelope::kind::user_frame);
  e.user_id = user_id;
  e.frame = *frame;
  publish_later(topics_.user(user_id), encode(e));
}

void redis_bus::membership_ended(std::int64_t user_id, const std::string& channel) {
  auto e = stamped(envelope::kind::forget);
  e.user_id = user_id;
  e.channel = channel;
  publish_later(topics_.cluster(), encode(e));
}

void redis_bus::token_revoked(const std::string& jti, std::int64_t expires_at) {
  auto e = stamped(envelope::kind::revoke);
  e.jti = jti;
  e.expires_at = expires_at;
  publish_later(topics_.cluster(), encode(e));
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
