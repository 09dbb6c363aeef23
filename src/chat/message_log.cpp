#include "parley/chat/message_log.hpp"

#include "parley/store/uploads.hpp"

#include <chrono>
#include <map>
#include <stdexcept>

#include "parley/log/log.hpp"

namespace parley::chat {

message_log::message_log(store::store& db, metrics::registry& metrics, committed_fn on_committed,
                         failed_fn on_failed)
    : store_(db),
      metrics_(metrics),
      on_committed_(std::move(on_committed)),
      on_failed_(std::move(on_failed)) {}

void message_log::append(outgoing_message m) {
  metrics_.store_queue_depth.fetch_add(1, std::memory_order_relaxed);
  store_.post([this, m = std::move(m)](store::database&) mutable {
    pending_.push_back(std::move(m));
    if (!flush_scheduled_) {
      flush_scheduled_ = true;
      // Runs after every append already queued on the store thread: that is the batch.
      store_.post([this](store::database& db) { flush(db); });
    }
  });
}

void message_log::flush(store::database& db) {
  flush_scheduled_ = false;
  auto batch = std::move(pending_);
  pending_.clear();
  if (batch.empty()) {
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  try {
    store::transaction tx(db);
    // Each channel's ids are reserved first, in ascending channel order: instances sharing the
    // database then take the channels' row locks in one order and never deadlock.
    std::map<std::int64_t, std::int64_t> next_ids;
    for (const auto& m : batch) {
      ++next_ids[m.channel_id];
    }
    auto& reserve = db.prepare(
        "UPDATE channels SET last_message_id = last_message_id + ? WHERE id = ? "
        "RETURNING last_message_id");
    for (auto& [channel_id, next] : next_ids) {
      reserve.reset();
      reserve.bind(1, next).bind(2, channel_id);
      if (!reserve.step()) {
        throw std::runtime_error("channel " + std::to_string(channel_id) + " is gone");
      }
      next = reserve.column_int64(0) - next + 1;
    }
    reserve.reset();
    auto& insert = db.prepare(
        "INSERT INTO messages(channel_id, id, user_id, sender, text, ts) VALUES (?, ?, ?, ?, ?, "
        "?)");
    for (auto& m : batch) {
      m.id = next_ids[m.channel_id]++;
      insert.reset();
      insert.bind(1, m.channel_id)
          .bind(2, m.id)
          .bind(3, m.user_id)
          .bind(4, m.from)
          .bind(5, m.text)
          .bind(6, m.ts_ms)
          .run();
      if (!m.attachments.empty()) {
        store::attach_uploads(db, m.channel_id, m.id, m.attachments);
      }
    }
    tx.commit();
  } catch (const std::exception& e) {
    PARLEY_LOG(error, "store") << "storing " << batch.size() << " messages failed: " << e.what();
    metrics_.store_queue_depth.fetch_sub(static_cast<std::int64_t>(batch.size()),
                                         std::memory_order_relaxed);
    for (const auto& m : batch) {
      on_failed_(m);
    }
    return;
  }
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  metrics_.store_commits_total.fetch_add(1, std::memory_order_relaxed);
  metrics_.store_commit_micros_total.fetch_add(static_cast<std::uint64_t>(micros),
                                               std::memory_order_relaxed);
  metrics_.messages_total.fetch_add(batch.size(), std::memory_order_relaxed);
  metrics_.store_queue_depth.fetch_sub(static_cast<std::int64_t>(batch.size()),
                                       std::memory_order_relaxed);
  on_committed_(db, batch);
}

}  // namespace parley::chat
