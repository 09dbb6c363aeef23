#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/chat/match_queue.hpp"
#include "parley/chat/outgoing_message.hpp"
#include "parley/chat/presence_entry.hpp"

namespace parley::cluster {

/// What one instance tells the others over Redis. One JSON object per pub/sub message; `node`
/// names the sender so an instance can skip its own echoes.
struct envelope {
  enum class kind {
    message,        ///< a stored channel message or DM (channel or user topic)
    channel_frame,  ///< typing, seen ...: a frame for a channel's sessions
    user_frame,     ///< an invitation ...: a frame for a user's sessions
    presence,       ///< a user became present / absent in a channel on `node`
    hello,          ///< `node` (re)joined the cluster: its whole presence; answer with snapshot
    snapshot,       ///< `node`'s whole presence
    heartbeat,      ///< `node` is alive
    revoke,         ///< a token was revoked (logout)
    resync,         ///< `node` may have failed to publish: read what is stored
    forget,         ///< a user's membership of a channel ended (cluster topic)
    matched,        ///< a random match for sessions on `target` (the user's topic)
  };

  kind type = kind::heartbeat;
  std::string node;
  chat::outgoing_message message;  ///< message
  std::string channel;             ///< channel_frame, forget, matched
  std::int64_t user_id = 0;    ///< user_frame, forget, matched; message: the user topic it came on
  std::string frame;           ///< channel_frame, user_frame
  chat::presence_entry entry;  ///< presence
  bool present = false;        ///< presence
  std::vector<chat::presence_entry> entries;  ///< hello, snapshot
  std::string jti;                            ///< revoke
  std::int64_t expires_at = 0;                ///< revoke
  std::int64_t channel_id = 0;                ///< matched
  std::string peer;                           ///< matched: whom the user was matched with
  std::string target;                         ///< matched: the node of `seats`
  std::vector<chat::match_seat> seats;        ///< matched (their node is `target`)
};

/// A match seat as the Redis queue stores it: `node|thread|session`.
std::string encode_seat(const chat::match_seat& seat);
std::optional<chat::match_seat> decode_seat(std::string_view text);
/// The answer of the queue's pairing script: "" (the caller waits now) or
/// `id|name` and the peer's live seats, one per line. nullopt for anything else.
std::optional<std::optional<chat::match_candidate>> decode_pairing(std::string_view text);

std::string encode(const envelope& e);
/// nullopt for anything that is not a well-formed envelope.
std::optional<envelope> decode(std::string_view text);

/// Pub/sub topic names. Redis pub/sub ignores the database number, so it is part of every
/// name: clusters on different databases of one Redis never hear each other.
class topics {
 public:
  explicit topics(int db) : prefix_("parley:" + std::to_string(db) + ":") {}
  std::string cluster() const { return prefix_ + "cluster"; }
  std::string channel(std::string_view name) const { return prefix_ + "ch:" + std::string(name); }
  std::string user(std::int64_t id) const { return prefix_ + "user:" + std::to_string(id); }
  /// The prefix of the random-matching queue's keys (plain keys, not topics).
  std::string matching() const { return prefix_ + "match:"; }
  /// The channel a channel topic is for; empty for other topics.
  std::string channel_of(std::string_view topic) const {
    const auto head = prefix_ + "ch:";
    return topic.starts_with(head) ? std::string(topic.substr(head.size())) : std::string();
  }

 private:
  std::string prefix_;
};

}  // namespace parley::cluster
