#include "parley/cluster/redis_bus.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>
#include <variant>

#include "parley/cluster/topic_shards.hpp"
#include "parley/log/log.hpp"
#include "parley/store/revoked_tokens.hpp"
#include "parley/util/clock.hpp"

namespace parley::cluster {
namespace asio = boost::asio;

redis_bus::shard::shard(asio::io_context& ctx, const config::redis_url& url, bool primary)
    : address(url.host + ":" + std::to_string(url.port)),
      names(url.db),
      pub(ctx, url),
      sub(ctx, url),
      pub_retry(ctx),
      sub_retry(ctx),
      state(names, primary) {}

redis_bus::redis_bus(const std::vector<config::redis_url>& urls, std::string node, chat::hub& hub,
                     store::store& db, auth::token_service& tokens,
                     chat::membership_cache& memberships, metrics::registry& metrics)
    : node_(std::move(node)),
      hub_(hub),
      db_(db),
      tokens_(tokens),
      memberships_(memberships),
      metrics_(metrics),
      work_(ctx_.get_executor()),
      ticker_(ctx_),
      order_([&hub](const chat::outgoing_message& m) { hub.publish(m); }),
      dispatcher_(node_, hub, db, tokens, memberships, order_) {
  for (const auto& url : urls) {
    shards_.push_back(std::make_unique<shard>(ctx_, url, shards_.empty()));
    auto& s = *shards_.back();
    s.sub.on_message(
        [this, &s](std::string_view, std::string_view payload) { on_message(s, payload); });
    s.sub.on_subscribed([this, &s](std::string_view topic) { on_subscribed(s, topic); });
  }
  metrics_.redis_connected.store(0, std::memory_order_relaxed);
}

redis_bus::~redis_bus() {
  stop();
}

std::size_t redis_bus::channel_shard(std::string_view channel) const {
  return shard_of(channel, shards_.size());
}

std::size_t redis_bus::user_shard(std::int64_t user_id) const {
  return shard_of(std::to_string(user_id), shards_.size());
}

void redis_bus::start() {
  asio::post(ctx_, [this] {
    for (auto& s : shards_) {
      perform(*s, s->state.start());
    }
    tick();
  });
  thread_ = std::thread([this] { ctx_.run(); });
}

void redis_bus::stop() {
  if (!thread_.joinable()) {
    return;
  }
  asio::post(ctx_, [this] {
    ticker_.cancel();
    for (auto& s : shards_) {
      s->pub_retry.cancel();
      s->sub_retry.cancel();
      s->pub.close();
      s->sub.close();
      perform(*s, s->state.stop());
    }
    work_.reset();
  });
  thread_.join();
}

void redis_bus::perform(shard& s, const link_actions& actions) {
  for (const auto& a : actions) {
    std::visit([this, &s](const auto& one) { perform(s, one); }, a);
  }
}

void redis_bus::perform(shard& s, const action::connect& a) {
  const bool publisher = a.role == connection_role::publisher;
  (publisher ? s.pub : s.sub)
      .open(
          [this, &s, role = a.role, publisher](bool ok) {
            if (!ok) {
              perform(s, s.state.failed(role));
              return;
            }
            if (publisher) {
              // The subscriber says so once its subscriptions are in effect (on_subscribed).
              PARLEY_LOG(info, "redis") << "publisher connected to " << s.address;
              if (&s == &primary()) {
                refresh_liveness();
              }
            }
            perform(s, s.state.connected(role, clock::now()));
          },
          [this, &s, role = a.role, publisher](std::string why) {
            PARLEY_LOG(warn, "redis") << (publisher ? "publisher" : "subscriber")
                                      << " connection to " << s.address << " lost: " << why;
            perform(s, s.state.lost(role));
          });
}

void redis_bus::perform(shard& s, const action::connect_after& a) {
  auto& timer = a.role == connection_role::publisher ? s.pub_retry : s.sub_retry;
  timer.expires_after(a.delay);
  timer.async_wait([this, &s, role = a.role](const boost::system::error_code& ec) {
    if (!ec) {
      perform(s, s.state.retry_due(role));
    }
  });
}

void redis_bus::perform(shard& s, const action::drop_subscriber&) {
  PARLEY_LOG(warn, "redis") << "subscriber to " << s.address << " silent for "
                            << peer_timeout.count() << " s: reconnecting";
  s.sub.close();
}

void redis_bus::perform(shard& s, const action::subscribe& a) {
  s.sub.subscribe(a.topic);
}

void redis_bus::perform(shard& s, const action::unsubscribe& a) {
  s.sub.unsubscribe(a.topic);
}

void redis_bus::perform(shard& s, const action::announce& a) {
  auto e = stamped(a.kind);
  if (a.kind == envelope::kind::hello || a.kind == envelope::kind::snapshot) {
    e.entries = hub_.local_presence();
  }
  publish(s, s.names.cluster(), encode(e));
}

void redis_bus::perform(shard&, const action::release_waiter& a) {
  auto it = waiters_.find(a.id);
  if (it == waiters_.end()) {
    return;
  }
  auto done = std::move(it->second);
  waiters_.erase(it);
  done();
}

void redis_bus::perform(shard&, const action::catch_up& a) {
  db_.post([this, channel = a.channel](store::database& db) { order_.catch_up(db, channel); });
}

void redis_bus::perform(shard&, const action::reload_revocations&) {
  // Memberships forgotten on other instances while we were not listening: the cache starts over.
  memberships_.clear();
  db_.post([this](store::database& db) {
    tokens_.load(store::load_revoked_tokens(db, util::unix_seconds()));
  });
}

void redis_bus::perform(shard&, const action::node_joined& a) {
  PARLEY_LOG(info, "redis") << "instance " << a.node << " joined the cluster";
}

void redis_bus::perform(shard&, const action::node_gone& a) {
  PARLEY_LOG(info, "redis") << "instance " << a.node << " silent: forgetting its users";
  hub_.remote_node_gone(a.node);
}

void redis_bus::perform(shard&, const action::count_reconnect&) {
  metrics_.redis_reconnects_total.fetch_add(1, std::memory_order_relaxed);
}

void redis_bus::perform(shard& s, const action::set_connected& a) {
  s.connected = a.connected;
  const bool all =
      std::all_of(shards_.begin(), shards_.end(), [](const auto& one) { return one->connected; });
  metrics_.redis_connected.store(all ? 1 : 0, std::memory_order_relaxed);
  PARLEY_LOG(info, "redis") << (a.connected ? "cluster bus up on " : "cluster bus down on ")
                            << s.address
                            << (a.connected ? "" : ": its channels are served locally");
}

void redis_bus::on_subscribed(shard& s, std::string_view topic) {
  if (topic == s.names.cluster()) {
    PARLEY_LOG(info, "redis") << "subscriber connected to " << s.address << " ("
                              << s.state.wanted_count() + 1 << " topics)";
  }
  perform(s, s.state.subscribed(topic));
}

void redis_bus::on_message(shard& s, std::string_view payload) {
  const auto now = clock::now();
  s.state.heard(now);
  auto e = decode(payload);
  if (!e) {
    PARLEY_LOG(warn, "redis") << "ignored a malformed cluster message";
    return;
  }
  if (e->node == node_) {
    return;
  }
  if (&s == &primary()) {
    // Instances come and go by the primary's cluster topic; the others carry only heartbeats.
    perform(s, s.state.peer_heard(now, e->node, e->type));
  }
  dispatcher_.dispatch(std::move(*e));
}

void redis_bus::tick() {
  if (primary().state.stopped()) {
    return;
  }
  const auto now = clock::now();
  for (auto& s : shards_) {
    perform(*s, s->state.tick(now));
  }
  refresh_liveness();
  metrics_.cluster_peers.store(static_cast<std::int64_t>(primary().state.peer_count()),
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

void redis_bus::channel_active(const std::string& channel, bool active) {
  db_.post([this, channel, active](store::database& db) {
    active ? order_.activate(db, channel) : order_.deactivate(channel);
  });
  const auto i = channel_shard(channel);
  asio::post(ctx_, [this, i, topic = shards_[i]->names.channel(channel), active] {
    auto& s = *shards_[i];
    perform(s, active ? s.state.want(topic) : s.state.unwant(topic));
  });
}

void redis_bus::user_active(std::int64_t user_id, bool active) {
  const auto i = user_shard(user_id);
  asio::post(ctx_, [this, i, topic = shards_[i]->names.user(user_id), active] {
    auto& s = *shards_[i];
    perform(s, active ? s.state.want(topic) : s.state.unwant(topic));
  });
}

asio::awaitable<void> redis_bus::topic_ready(std::size_t shard_index, std::string topic,
                                             bool after_store) {
  return asio::async_initiate<const asio::use_awaitable_t<>, void()>(
      [this, shard_index, after_store](auto handler, std::string t) {
        auto ex = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto wait = [this, shard_index, ex, shared](std::string topic) {
          when_subscribed(shard_index, std::move(topic), [ex, shared] {
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

void redis_bus::when_subscribed(std::size_t shard_index, std::string topic,
                                std::function<void()> done) {
  asio::post(ctx_, [this, shard_index, topic = std::move(topic), done = std::move(done)]() mutable {
    const auto id = next_waiter_++;
    waiters_.emplace(id, std::move(done));
    auto& s = *shards_[shard_index];
    perform(s, s.state.await_topic(clock::now(), topic, id));
  });
}

}  // namespace parley::cluster
