#include "parley/chat/message_log.hpp"

#include "parley/store/uploads.hpp"

#include <chrono>

#include "parley/log/log.hpp"
#include "parley/store/channels.hpp"

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

std::int64_t message_log::next_id(store::database& db, std::int64_t channel_id) {
  auto it = last_ids_.find(channel_id);
  if (it == last_ids_.end()) {
    it = last_ids_.emplace(channel_id, store::last_message_id(db, channel_id)).first;
  }
  return ++it->second;
}

void message_log::flush(store::database& db) {
  flush_scheduled_ = false;
  auto batch = std::move(pending_);
  pending_.clear();
  if (batch.empty()) {
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  // Sequences are read inside each transaction: other instances may share the database file.
  last_ids_.clear();
  try {
    store::transaction tx(db);
    auto& insert = db.prepare(
        "INSERT INTO messages(channel_id, id, user_id, sender, text, ts) VALUES (?, ?, ?, ?, ?, "
        "?)");
    std::unordered_map<std::int64_t, std::int64_t> touched;
    for (auto& m : batch) {
      m.id = next_id(db, m.channel_id);
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
      touched[m.channel_id] = m.id;
    }
    auto& bump = db.prepare("UPDATE channels SET last_message_id = ? WHERE id = ?");
    for (const auto& [channel_id, last] : touched) {
      bump.reset();
      bump.bind(1, last).bind(2, channel_id).run();
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
