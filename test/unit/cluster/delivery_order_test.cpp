#include <catch2/catch.hpp>

#include "parley/cluster/delivery_order.hpp"
#include "parley/store/channels.hpp"
#include "parley/store/store.hpp"
#include "parley/store/users.hpp"
#include "support/temp_dir.hpp"

using namespace parley;

namespace {

/// Stores message `id` of channel 1 as another instance would.
void store_message(store::database& db, std::int64_t id) {
  db.prepare(
        "INSERT INTO messages(channel_id, id, user_id, sender, text, ts) VALUES (1, ?, 1, "
        "'alice', ?, 0)")
      .bind(1, id)
      .bind(2, "m" + std::to_string(id))
      .run();
  db.prepare("UPDATE channels SET last_message_id = ? WHERE id = 1").bind(1, id).run();
}

chat::outgoing_message notice(std::int64_t id, const std::string& channel = "general") {
  chat::outgoing_message m;
  m.channel = channel;
  m.channel_id = 1;
  m.id = id;
  m.from = "alice";
  m.text = "m" + std::to_string(id);
  return m;
}

}  // namespace

TEST_CASE("deliveries follow the stored order whatever order the notices come in") {
  test::temp_dir dir;
  store::store s((dir / "order.db").string());
  std::vector<std::pair<std::string, std::int64_t>> delivered;
  cluster::delivery_order order(
      [&](const chat::outgoing_message& m) { delivered.emplace_back(m.text, m.id); });
  s.run_blocking([&](store::database& db) {
    store::create_user(db, "alice", "h", 0);
    store::create_channel(db, "general", "public", 1, 0);
    store_message(db, 1);
    store_message(db, 2);
    order.activate(db, "general");  // 1 and 2 came before the first local join
    for (std::int64_t id = 3; id <= 6; ++id) {
      store_message(db, id);
    }
    order.offer(db, notice(5));  // 3 and 4 are read from the database first
    order.offer(db, notice(3));  // already delivered: dropped
    order.offer(db, notice(4));
    order.offer(db, notice(6));
    order.offer(db, notice(6));
    store_message(db, 7);
    store_message(db, 8);
    order.catch_up(db);  // 7 and 8 never announced (a Redis outage)
    order.offer(db, notice(8));
    return 0;
  });
  const std::vector<std::pair<std::string, std::int64_t>> expected{{"m3", 3}, {"m4", 4}, {"m5", 5},
                                                                   {"m6", 6}, {"m7", 7}, {"m8", 8}};
  CHECK(delivered == expected);
}

TEST_CASE("messages of channels with no local session pass straight through") {
  test::temp_dir dir;
  store::store s((dir / "order.db").string());
  std::vector<std::int64_t> delivered;
  cluster::delivery_order order(
      [&](const chat::outgoing_message& m) { delivered.push_back(m.id); });
  s.run_blocking([&](store::database& db) {
    store::create_user(db, "alice", "h", 0);
    store::create_channel(db, "general", "public", 1, 0);
    order.offer(db, notice(9));  // the sender's own echo after it left
    order.activate(db, "general");
    order.deactivate("general");
    order.offer(db, notice(4));
    return 0;
  });
  CHECK(delivered == std::vector<std::int64_t>{9, 4});
}
