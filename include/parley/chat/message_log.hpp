#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "parley/chat/outgoing_message.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/store/store.hpp"

namespace parley::chat {

/// Numbers and stores messages with group commit: every append queued on the store thread while
/// it was busy is written in one transaction, and only after COMMIT are the messages handed on
/// for delivery ("delivered => stored"). A channel's sequence is channels.last_message_id, read
/// and advanced inside each batch's transaction: ids are dense, increasing, survive restarts,
/// and stay one sequence when several instances share the database file (SQLite's write lock
/// orders their transactions).
class message_log {
 public:
  /// Called on the store thread with each committed batch, in id order per channel.
  using committed_fn = std::function<void(store::database&, const std::vector<outgoing_message>&)>;
  /// Called on the store thread for each message of a batch that could not be stored.
  using failed_fn = std::function<void(const outgoing_message&)>;

  message_log(store::store& db, metrics::registry& metrics, committed_fn on_committed,
              failed_fn on_failed);

  /// Queues a message for the next batch (any thread).
  void append(outgoing_message m);

 private:
  void flush(store::database& db);
  std::int64_t next_id(store::database& db, std::int64_t channel_id);

  store::store& store_;
  metrics::registry& metrics_;
  committed_fn on_committed_;
  failed_fn on_failed_;
  // Store thread only:
  std::vector<outgoing_message> pending_;
  bool flush_scheduled_ = false;
  std::unordered_map<std::int64_t, std::int64_t> last_ids_;  ///< this batch's sequences
};

}  // namespace parley::chat
