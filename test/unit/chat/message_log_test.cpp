#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>

#include "parley/chat/message_log.hpp"
#include "parley/store/channels.hpp"
#include "parley/store/users.hpp"
#include "support/temp_dir.hpp"

using namespace parley;

namespace {

/// Collects committed messages and lets the test wait for a count, with a deadline.
struct collector {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<chat::outgoing_message> committed;
  void add(const std::vector<chat::outgoing_message>& batch) {
    std::lock_guard lock(mutex);
    committed.insert(committed.end(), batch.begin(), batch.end());
    cv.notify_all();
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return committed.size() >= n; });
  }
};

chat::outgoing_message msg(std::int64_t channel_id, const std::string& text) {
  chat::outgoing_message m;
  m.channel = "c" + std::to_string(channel_id);
  m.channel_id = channel_id;
  m.user_id = 1;
  m.from = "alice";
  m.text = text;
  m.ts_ms = 1;
  return m;
}

}  // namespace

TEST_CASE("messages are numbered per channel, stored, then released, numbering survives restart") {
  test::temp_dir dir;
  const auto path = (dir / "log.db").string();
  {
    store::store db(path);
    db.run_blocking([](store::database& d) {
      store::create_user(d, "alice", "h", 0);
      store::create_channel(d, "c1", "public", 1, 0);
      store::create_channel(d, "c2", "public", 1, 0);
      return 0;
    });
    metrics::registry metrics;
    collector got;
    chat::message_log log(
        db, metrics, [&](store::database&, const auto& batch) { got.add(batch); },
        [](const auto&) {});
    // Enough for batches of several multi-row INSERTs and a remainder.
    for (int i = 0; i < 300; ++i) {
      log.append(msg(i % 2 == 0 ? 1 : 2, std::to_string(i)));
    }
    REQUIRE(got.wait_for(300));
    std::vector<std::int64_t> c1, c2;
    for (const auto& m : got.committed) {
      (m.channel_id == 1 ? c1 : c2).push_back(m.id);
    }
    REQUIRE(c1.size() == 150);
    for (std::size_t i = 0; i < c1.size(); ++i) {
      CHECK(c1[i] == static_cast<std::int64_t>(i + 1));
      CHECK(c2[i] == static_cast<std::int64_t>(i + 1));
    }
    CHECK(metrics.messages_total == 300);
    CHECK(metrics.store_queue_depth == 0);
    const auto commits = metrics.store_commit_seconds.read();
    CHECK(commits.count >= 1);
    CHECK(commits.count < 300);  // group commit: fewer commits than messages
    CHECK(commits.sum_seconds > 0);
    // Each released message carries its commit time, where parley_delivery_seconds starts.
    for (const auto& m : got.committed) {
      CHECK(m.committed_at != std::chrono::steady_clock::time_point{});
    }
    // Everything released was stored first, each text under its own id.
    const auto page = db.run_blocking(
        [](store::database& d) { return store::read_history(d, 1, std::nullopt, 200); });
    REQUIRE(page.messages.size() == 150);
    for (std::size_t i = 0; i < page.messages.size(); ++i) {
      CHECK(page.messages[i].id == static_cast<std::int64_t>(i + 1));
      CHECK(page.messages[i].text == std::to_string(2 * i));
    }
  }
  store::store db(path);
  metrics::registry metrics;
  collector got;
  chat::message_log log(
      db, metrics, [&](store::database&, const auto& batch) { got.add(batch); },
      [](const auto&) {});
  log.append(msg(1, "after restart"));
  REQUIRE(got.wait_for(1));
  CHECK(got.committed[0].id == 151);
}
