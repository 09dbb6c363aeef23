#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "parley/chat/outgoing_message.hpp"
#include "parley/store/database.hpp"

namespace parley::cluster {

/// Keeps every channel's deliveries on this instance in id order when several instances share
/// the database. Ids come from the database's per-channel counter under SQLite's write lock, so
/// once message n is committed every message before it is committed too; pub/sub notices may
/// still arrive out of that order. A message is therefore delivered only after whatever is
/// stored before it, read from the database to fill any gap, and a message already delivered
/// (by an earlier fill) is dropped. Store thread only: the fills are plain reads there.
class delivery_order {
 public:
  using deliver_fn = std::function<void(const chat::outgoing_message&)>;

  explicit delivery_order(deliver_fn deliver) : deliver_(std::move(deliver)) {}

  /// The channel got its first local session: deliveries start after what is stored now.
  void activate(store::database& db, const std::string& channel);
  /// Its last local session left.
  void deactivate(const std::string& channel);

  /// A committed channel message, from this instance or another. Messages of channels with no
  /// local session are handed on as they are (the sender's own copy).
  void offer(store::database& db, const chat::outgoing_message& m);

  /// Delivers whatever is stored beyond what was delivered, in every active channel: after a
  /// Redis outage or a peer's failed publish.
  void catch_up(store::database& db);
  /// The same for one channel (its subscription just took effect).
  void catch_up(store::database& db, const std::string& channel);

 private:
  struct position {
    std::int64_t channel_id = 0;
    std::int64_t delivered_up_to = 0;
  };
  void fill(store::database& db, const std::string& channel, position& p, std::int64_t before);

  deliver_fn deliver_;
  std::unordered_map<std::string, position> channels_;
};

}  // namespace parley::cluster
