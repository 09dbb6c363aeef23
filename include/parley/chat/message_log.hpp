#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "parley/chat/outgoing_message.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/store/store.hpp"

namespace parley::chat {

/// Numbers and stores messages with group commit: every append queued on the store thread while
/// it was busy is written in one transaction, and only after COMMIT are the messages handed on
/// for delivery ("delivered => stored"). A channel's sequence is channels.last_message_id,
/// advanced by each batch's transaction before it inserts: ids are dense, increasing, survive
/// restarts, and stay one sequence when several instances share the database (SQLite's write
/// lock, or PostgreSQL's lock on the channel's row until commit, orders their transactions, so
/// commit order is id order in each channel).
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

  store::store& store_;
  metrics::registry& metrics_;
  committed_fn on_committed_;
  failed_fn on_failed_;
  // Store thread only:
  std::vector<outgoing_message> pending_;
  bool flush_scheduled_ = false;
};

}  // namespace parley::chat
