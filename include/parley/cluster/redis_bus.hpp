#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "parley/auth/token_service.hpp"
#include "parley/chat/bus.hpp"
#include "parley/chat/hub.hpp"
#include "parley/cluster/delivery_order.hpp"
#include "parley/cluster/wire.hpp"
#include "parley/config/redis_url.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/redis/connection.hpp"
#include "parley/store/store.hpp"

namespace parley::cluster {

/// How often an instance says it is alive, and how long the others wait before forgetting its
/// users (and this instance its own silent subscriber connection).
constexpr std::chrono::seconds heartbeat_interval{1};
constexpr std::chrono::seconds peer_timeout{5};
/// The longest a join or a connect waits for its topic subscription before going on anyway.
constexpr std::chrono::seconds subscribe_wait{2};

/// The bridge between this instance and the others, over Redis pub/sub: one publishing and one
/// subscribing hiredis connection on a thread of its own. Local delivery never waits for it:
/// while Redis is away the instance keeps serving its own sessions, reconnects with backoff,
/// then re-subscribes and reads from the shared database what it missed.
class redis_bus final : public chat::bus {
 public:
  redis_bus(const config::redis_url& url, std::string node, chat::hub& hub, store::store& db,
      auth::token_service& tokens, metrics::registry& metrics);
  ~redis_bus() override;

  void start() override;
  /// Closes both connections and joins the thread.
  void stop() override;

  // chat::cluster_link (any thread; only queues work)
  void channel_active(const std::string& channel, bool active) override;
  void user_active(std::int64_t user_id, bool active) override;
  void presence_changed(const chat::presence_entry& entry, bool present) override;
  void channel_frame(const std::string& channel, const chat::shared_frame& frame) override;
  void user_frame(std::int64_t user_id, const chat::shared_frame& frame) override;

  /// A committed batch (store thread): delivered here in order, then told to the others.
  void committed(store::database& db,
                 const std::vector<chat::outgoing_message>& batch) override;
  /// A logout on this instance (any thread).
  void token_revoked(const std::string& jti, std::int64_t expires_at) override;

  /// Complete (on the awaiting coroutine's executor) once Redis has confirmed this instance's
  /// subscription to the channel's / the user's topic, so that nothing another instance
  /// publishes afterwards is missed: a join answers `joined`, a connect says `hello`, only
  /// then. At once while Redis is away; after `subscribe_wait` at most.
  boost::asio::awaitable<void> channel_ready(std::string channel) override {
    return topic_ready(topics_.channel(channel));
  }
  boost::asio::awaitable<void> user_ready(std::int64_t user_id) override {
    return topic_ready(topics_.user(user_id));
  }

 private:
  using clock = std::chrono::steady_clock;
  struct waiter {
    clock::time_point deadline;
    std::function<void()> done;
  };

  /// Not a coroutine: the returned awaitable owns `topic` (see util::offload on GCC 12).
  boost::asio::awaitable<void> topic_ready(std::string topic);
  /// Any thread: runs `done` on the bus thread once `topic` is subscribed (or see above).
  void when_subscribed(std::string topic, std::function<void()> done);
  void release_waiters(bool all, clock::time_point now);

  // Bus thread only:
  void connect_publisher();
  void connect_subscriber();
  void retry(bool publisher);
  void update_state();
  void want(const std::string& topic, bool wanted);
  void publish(const std::string& topic, const std::string& payload);
  void announce(envelope::kind type);
  void on_message(std::string_view topic, std::string_view payload);
  void on_subscribed(std::string_view topic);
  void on_envelope(envelope e);
  void tick();
  envelope stamped(envelope::kind type) const;

  const std::string node_;
  const topics topics_;
  chat::hub& hub_;
  store::store& db_;
  auth::token_service& tokens_;
  metrics::registry& metrics_;

  boost::asio::io_context ctx_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  redis::connection pub_;
  redis::connection sub_;
  boost::asio::steady_timer pub_retry_;
  boost::asio::steady_timer sub_retry_;
  boost::asio::steady_timer ticker_;
  std::chrono::milliseconds pub_backoff_;
  std::chrono::milliseconds sub_backoff_;
  bool stopping_ = false;
  bool publish_failed_ = false;      ///< since the last resync notice
  std::set<std::string> wanted_;     ///< channel and user topics
  std::set<std::string> confirmed_;  ///< subscriptions Redis has confirmed
  std::unordered_map<std::string, std::vector<waiter>> waiters_;
  std::unordered_map<std::string, clock::time_point> peers_;
  clock::time_point last_heard_{};
  clock::time_point last_hello_{};
  std::thread thread_;

  delivery_order order_;  ///< store thread only
};

}  // namespace parley::cluster
