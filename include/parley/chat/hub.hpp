#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "parley/chat/cluster_link.hpp"
#include "parley/chat/outgoing_message.hpp"
#include "parley/chat/remote_presence.hpp"
#include "parley/chat/session_sink.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/model/channel.hpp"

namespace parley::chat {

/// The channel name under which instances tell each other who is connected at all.
inline const std::string online_channel;

/// Who is where: which I/O threads have sessions in each channel and of each user, and which
/// users are present in each channel. Fan-out encodes a frame once and posts it once to each
/// thread that has recipients; that thread walks its own index with no lock.
///
/// Threading: subscribe/unsubscribe/attach/detach are called on the session's thread; publish
/// and the broadcasts from any thread. The shared registry is behind one mutex touched on joins,
/// leaves, connects and publishes (once per message), never per recipient.
class hub {
 public:
  hub(std::vector<boost::asio::io_context*> threads, metrics::registry& metrics);

  /// Joins the hub to the bus (a local one when standalone); set before the first session
  /// attaches.
  void set_link(cluster_link& link) { link_ = &link; }

  /// A session opened on `thread`.
  void attach(std::size_t thread, session_sink* session, const std::string& username);
  /// A session closed: leaves every channel it was in (user_left where it was the user's last).
  void detach(std::size_t thread, session_sink* session);

  /// Subscribes a session; true if it was not subscribed yet. Sends user_joined to the channel's
  /// other sessions when this is the user's first session in it.
  bool subscribe(std::size_t thread, session_sink* session, const std::string& channel);
  /// Unsubscribes; false if the session was not subscribed. Sends user_left when it was the
  /// user's last session in the channel.
  bool unsubscribe(std::size_t thread, session_sink* session, const std::string& channel);

  /// Delivers a stored message to this instance's sessions of the channel (or, for a DM, of
  /// both users); the sender's session gets the copy with its ref. Other instances hear of
  /// messages from the cluster bus, not from here: they must be ordered first.
  void publish(const outgoing_message& m);

  /// Sends a frame to every session subscribed to the channel, on every instance, except
  /// `except_session` (0: none).
  void broadcast(const std::string& channel, shared_frame frame, std::uint64_t except_session = 0);
  /// Sends a frame to every session of a user, on every instance.
  void send_to_user(std::int64_t user_id, shared_frame frame);
  /// The same, for this instance's sessions only (frames that came from another instance).
  void broadcast_local(const std::string& channel, shared_frame frame,
                       std::uint64_t except_session = 0);
  void send_to_user_local(std::int64_t user_id, shared_frame frame);
  /// Sends a frame to one session, wherever it is.
  void send_to_session(std::size_t thread, std::uint64_t session, shared_frame frame);

  /// Ends the user's membership of `channel` here and on every other instance: each of the
  /// user's sessions subscribed to it, except `except_session`, is unsubscribed and told.
  void end_membership(std::int64_t user_id, const std::string& channel,
                      std::uint64_t except_session);
  /// The same, for this instance's sessions only (an ending that came from another instance).
  void end_membership_local(std::int64_t user_id, const std::string& channel,
                            std::uint64_t except_session = 0);
  /// A random match for one of this instance's sessions.
  void deliver_match(std::size_t thread, std::uint64_t session, model::channel_row channel,
                     std::string peer);

  /// The users with a session on any instance whose lower-cased name starts with `key_prefix`:
  /// id and username, sorted by id.
  std::vector<std::pair<std::int64_t, std::string>> online_users(std::string_view key_prefix) const;
  /// Which of `ids` have a session on any instance.
  std::vector<bool> online(const std::vector<std::int64_t>& ids) const;

  /// Usernames with at least one session subscribed to the channel on any instance, sorted.
  std::vector<std::string> present_users(const std::string& channel) const;

  /// Presence on other instances (from the cluster bus): one change, a node's whole state, or
  /// a node gone. Sessions here hear user_joined / user_left when a user's presence in a channel
  /// across the cluster starts or ends.
  void remote_presence_changed(const std::string& node, const presence_entry& e, bool present);
  void remote_presence_replaced(const std::string& node, const std::vector<presence_entry>& all);
  void remote_node_gone(const std::string& node);
  /// Who is present here, for other instances.
  std::vector<presence_entry> local_presence() const;
  /// True when the session is subscribed (its own thread only).
  bool is_subscribed(std::size_t thread, const session_sink* session,
                     const std::string& channel) const;

 private:
  struct channel_entry {
    std::vector<std::uint32_t> sessions_per_thread;
    std::unordered_map<std::int64_t, std::pair<std::string, std::uint32_t>>
        users;  ///< id -> name, sessions
  };
  /// Per-thread index, touched only on its own thread.
  struct local_index {
    std::unordered_map<std::string, std::vector<session_sink*>> channels;
    std::unordered_map<std::int64_t, std::vector<session_sink*>> users;
    std::unordered_map<std::uint64_t, session_sink*> sessions;
    std::unordered_map<session_sink*, std::vector<std::string>> joined;
    std::unordered_map<session_sink*, std::string> usernames;
  };
  /// A frame for one thread's recipients.
  struct delivery {
    std::string channel;
    std::int64_t message_id = 0;  ///< 0: not a channel message
    shared_frame frame;
    std::chrono::steady_clock::time_point committed_at{};  ///< of a message this instance stored
    std::uint64_t ref_session = 0;
    shared_frame ref_frame;
    std::uint64_t except_session = 0;
    std::vector<std::int64_t> users;  ///< deliver to these users' sessions instead of the channel's
  };

  std::vector<std::size_t> threads_of_channel(const std::string& channel) const;
  std::vector<std::size_t> threads_of_users(const std::vector<std::int64_t>& users) const;
  void post(std::size_t thread, delivery d);
  /// Runs `work` on I/O thread `thread`, counted in parley_thread_queue_depth until it starts.
  template <class Work>
  void run_on(std::size_t thread, Work work) {
    auto& depth = metrics_.thread_queue_depth(thread);
    depth.fetch_add(1, std::memory_order_relaxed);
    boost::asio::post(*threads_[thread], [&depth, work = std::move(work)]() mutable {
      depth.fetch_sub(1, std::memory_order_relaxed);
      work();
    });
  }
  void deliver_local(std::size_t thread, const delivery& d);
  bool remove_subscription(std::size_t thread, session_sink* session, const std::string& channel);
  /// Tells local sessions about remote changes that local presence does not hide.
  void announce_remote(const std::vector<remote_presence::change>& changes);
  bool present_locally(const std::string& channel, std::int64_t user_id) const;  ///< lock held

  std::vector<boost::asio::io_context*> threads_;
  metrics::registry& metrics_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, channel_entry> channels_;
  struct user_entry {
    std::vector<std::uint32_t> sessions_per_thread;
    std::string username;
  };
  std::unordered_map<std::int64_t, user_entry> user_threads_;
  std::vector<local_index> locals_;
  /// Until set_link: a hub on its own (unit tests) tells nobody.
  static cluster_link& nobody();
  cluster_link* link_ = &nobody();
  remote_presence remote_;  ///< under mutex_
};

}  // namespace parley::chat
