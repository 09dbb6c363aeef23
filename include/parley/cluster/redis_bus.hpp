#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "parley/auth/token_service.hpp"
#include "parley/chat/bus.hpp"
#include "parley/chat/hub.hpp"
#include "parley/cluster/delivery_order.hpp"
#include "parley/cluster/envelope_dispatcher.hpp"
#include "parley/cluster/link_state.hpp"
#include "parley/cluster/wire.hpp"
#include "parley/config/redis_url.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/redis/connection.hpp"
#include "parley/store/store.hpp"

namespace parley::cluster {

/// The bridge between this instance and the others, over Redis pub/sub: per Redis server one
/// publishing and one subscribing hiredis connection, all on a thread of their own. Local
/// delivery never waits for it: while a server is away the instance keeps serving its own
/// sessions, reconnects with backoff, then re-subscribes and reads from the shared database what
/// it missed.
///
/// With several servers, a channel's topic lives on the server shard_of(channel name) picks,
/// and a user's topic on shard_of(user id): the bulk of the traffic spreads, and every instance
/// agrees where each topic is. The cluster topic's announcements (presence, revocations,
/// liveness of instances) and the matching queue stay on the first server, the primary: they
/// concern every instance and must be seen in one order. Every server still carries each
/// instance's heartbeat, by which its subscriber connection knows it is alive. Each server's
/// connections come and go on their own: losing one affects only the topics on it.
class redis_bus final : public chat::bus {
 public:
  /// `node` names this instance in what it publishes; it must be unique in the cluster, since
  /// it tells our own echoes apart. `urls` holds at least one server.
  redis_bus(const std::vector<config::redis_url>& urls, std::string node, chat::hub& hub,
            store::store& db, auth::token_service& tokens, chat::membership_cache& memberships,
            metrics::registry& metrics);
  ~redis_bus() override;

  /// Starts the bus thread, which connects to Redis and keeps reconnecting.
  void start() override;
  /// Closes both connections and joins the thread.
  void stop() override;

  // chat::cluster_link (any thread; only queues work)
  void channel_active(const std::string& channel, bool active) override;
  void user_active(std::int64_t user_id, bool active) override;
  void presence_changed(const chat::presence_entry& entry, bool present) override;
  void channel_frame(const std::string& channel, const chat::shared_frame& frame) override;
  void user_frame(std::int64_t user_id, const chat::shared_frame& frame) override;
  void membership_ended(std::int64_t user_id, const std::string& channel) override;

  /// A committed batch (store thread): delivered here in order, then told to the others.
  void committed(store::database& db, const std::vector<chat::outgoing_message>& batch) override;
  /// A logout on this instance (any thread).
  void token_revoked(const std::string& jti, std::int64_t expires_at) override;

  /// Complete (on the awaiting coroutine's executor) once Redis has confirmed this instance's
  /// subscription to the channel's / the user's topic, so that nothing another instance
  /// publishes afterwards is missed: a join answers `joined`, a connect says `hello`, only
  /// then. At once while Redis is away; after `subscribe_wait` at most. A channel is also
  /// ready only once its delivery order starts (see topic_ready).
  boost::asio::awaitable<void> channel_ready(std::string channel) override {
    const auto i = channel_shard(channel);
    return topic_ready(i, shards_[i]->names.channel(channel), true);
  }
  boost::asio::awaitable<void> user_ready(std::int64_t user_id) override {
    const auto i = user_shard(user_id);
    return topic_ready(i, shards_[i]->names.user(user_id), false);
  }

  // Random matching: one queue in Redis, changed only by atomic scripts (match_scripts.hpp).
  const std::string& node() const override { return node_; }
  boost::asio::awaitable<std::optional<chat::match_candidate>> match(
      chat::match_candidate me) override;
  void unmatch(std::int64_t user_id) override;
  void unmatch_seat(std::int64_t user_id, chat::match_seat seat) override;
  void announce_match(const chat::match_candidate& user, const model::channel_row& channel,
                      const std::string& peer) override;

 private:
  using clock = std::chrono::steady_clock;

  /// One Redis server: its two connections, their retry timers, and the link_state deciding
  /// for them. Bus thread only.
  struct shard {
    shard(boost::asio::io_context& ctx, const config::redis_url& url, bool primary);
    std::string address;  ///< host:port, for logs
    topics names;
    redis::connection pub;
    redis::connection sub;
    boost::asio::steady_timer pub_retry;
    boost::asio::steady_timer sub_retry;
    link_state state;
    bool connected = false;  ///< as link_state last reported
  };

  std::size_t channel_shard(std::string_view channel) const;
  std::size_t user_shard(std::int64_t user_id) const;
  shard& primary() { return *shards_.front(); }

  /// Not a coroutine: the returned awaitable owns `topic` (see util::offload on GCC 12).
  /// `after_store`: first let the store thread run what is queued there.
  boost::asio::awaitable<void> topic_ready(std::size_t shard_index, std::string topic,
                                           bool after_store);
  /// Any thread: runs `done` on the bus thread once `topic` is subscribed (or see above).
  void when_subscribed(std::size_t shard_index, std::string topic, std::function<void()> done);

  // Bus thread only. The decisions are each shard's link_state's; these report events to it and
  // carry out what it asks, one perform() per kind of action.
  void perform(shard& s, const link_actions& actions);
  void perform(shard& s, const action::connect& a);
  void perform(shard& s, const action::connect_after& a);
  void perform(shard& s, const action::drop_subscriber& a);
  void perform(shard& s, const action::subscribe& a);
  void perform(shard& s, const action::unsubscribe& a);
  void perform(shard& s, const action::announce& a);
  void perform(shard& s, const action::release_waiter& a);
  void perform(shard& s, const action::catch_up& a);
  void perform(shard& s, const action::reload_revocations& a);
  void perform(shard& s, const action::node_joined& a);
  void perform(shard& s, const action::node_gone& a);
  void perform(shard& s, const action::count_reconnect& a);
  void perform(shard& s, const action::set_connected& a);
  void publish(shard& s, const std::string& topic, const std::string& payload);
  /// publish() from any thread: queued on the bus thread.
  void publish_later(std::size_t shard_index, std::string topic, std::string payload);
  /// The same to the channel's / the user's / the cluster topic.
  void publish_to_channel(const std::string& channel, std::string payload);
  void publish_to_user(std::int64_t user_id, std::string payload);
  void publish_to_cluster(std::string payload);
  void on_message(shard& s, std::string_view payload);
  void on_subscribed(shard& s, std::string_view topic);
  void tick();
  /// Keeps this instance's liveness key in Redis, by which the matching queue drops the seats
  /// of instances that died.
  void refresh_liveness();
  /// Runs one matching script on the bus thread (fire and forget).
  void run_script(std::string_view script, std::vector<std::string> args);
  envelope stamped(envelope::kind type) const;

  const std::string node_;
  chat::hub& hub_;
  store::store& db_;
  auth::token_service& tokens_;
  chat::membership_cache& memberships_;
  metrics::registry& metrics_;

  boost::asio::io_context ctx_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::unique_ptr<shard>> shards_;  ///< the primary first
  boost::asio::steady_timer ticker_;
  /// What to run when link_state releases a waiter.
  std::unordered_map<waiter_id, std::function<void()>> waiters_;
  waiter_id next_waiter_ = 0;
  std::thread thread_;

  delivery_order order_;  ///< store thread only
  envelope_dispatcher dispatcher_;
};

}  // namespace parley::cluster
