// Fault: redis-server SIGKILLed and started again on the same port while senders on both
// instances keep sending. Both instances must live through it, cross-instance delivery must
// return within 10 s of Redis, and the database must hold every acknowledged message.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>

#include "support/chat_cluster.hpp"
#include "support/eventually.hpp"
#include "support/frames.hpp"
#include "support/history.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

/// Message ids echoed to the senders, and why a sender stopped early, if one did.
struct acks {
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::int64_t> ids;
  std::vector<std::string> failures;

  bool wait_for(std::size_t n, std::chrono::milliseconds deadline) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, deadline, [&] { return ids.size() >= n; });
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return ids.size();
  }
};

void send_until_stopped(ws_client& c, const std::string& name, const std::atomic<bool>& stop,
                        acks& seen) {
  for (int n = 0; n < 5000 && !stop; ++n) {
    try {
      const auto echo = c.request(
          {{"type", "send"}, {"channel", "load"}, {"text", name + " " + std::to_string(n)}});
      std::lock_guard lock(seen.mutex);
      if (str(echo, "type") != "message") {
        seen.failures.push_back(name + ": " + json::serialize(echo));
        return;
      }
      seen.ids.insert(echo.at("id").as_int64());
      seen.changed.notify_all();
    } catch (const std::exception& e) {
      std::lock_guard lock(seen.mutex);
      seen.failures.push_back(name + ": " + e.what());
      return;
    }
    // Pacing, not synchronisation: a steady load rather than a burst the history must page.
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace

TEST_CASE("fault: Redis killed and restarted under load, no crash, delivery back, nothing lost",
          "[cluster]") {
  chat_cluster c(2);
  std::vector<std::unique_ptr<ws_client>> senders;
  for (int i = 0; i < 4; ++i) {
    senders.push_back(c.connect("sender" + std::to_string(i), i % 2));
    REQUIRE(str(senders.back()->request({{"type", "join"}, {"channel", "load"}}), "type") ==
            "joined");
  }
  auto prober = c.connect("prober", 0);
  auto watcher = c.connect("watcher", 1);
  REQUIRE(str(watcher->request({{"type", "join"}, {"channel", "probe"}}), "type") == "joined");
  REQUIRE(str(prober->request({{"type", "join"}, {"channel", "probe"}}), "type") == "joined");

  acks seen;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back(
        [&, i] { send_until_stopped(*senders[i], "sender" + std::to_string(i), stop, seen); });
  }
  const bool warmed_up = seen.wait_for(100, 30s);

  c.redis.kill();
  std::size_t during_outage = 0;
  if (warmed_up) {
    const auto before = seen.count();
    std::this_thread::sleep_for(2s);  // the outage itself
    during_outage = seen.count() - before;
  }
  c.redis.start();
  const auto back_at = std::chrono::steady_clock::now();

  // Probe: a message sent on A after Redis came back, until one reaches B.
  bool delivered = false;
  for (int i = 0; i < 100 && !delivered; ++i) {
    if (std::chrono::steady_clock::now() - back_at > 10s) {
      break;
    }
    const auto echo =
        prober->request({{"type", "send"}, {"channel", "probe"}, {"text", std::to_string(i)}});
    REQUIRE(str(echo, "type") == "message");
    for (int r = 0; r < 100; ++r) {
      const auto f = watcher->try_read(200ms);
      if (!f) {
        break;
      }
      if (str(*f, "type") == "message" && str(*f, "channel") == "probe") {
        delivered = true;
        break;
      }
    }
  }
  const auto took = std::chrono::steady_clock::now() - back_at;
  // Keep the load on a little past the recovery: sends right after it are acknowledged too.
  const auto settled = seen.count();
  CHECK(seen.wait_for(settled + 40, 10s));
  stop = true;
  for (auto& t : threads) {
    t.join();
  }

  REQUIRE(warmed_up);
  CHECK(seen.failures.empty());
  for (const auto& f : seen.failures) {
    WARN(f);
  }
  CHECK(during_outage > 0);  // the senders were not stalled by the outage
  CHECK(delivered);
  CHECK(took < 10s);
  for (int i = 0; i < 2; ++i) {
    INFO("instance " << i);
    // Only the instance's own process can answer on its port: a crashed one refuses.
    CHECK(http_call(c.port(i), verb::get, "/healthz").status == 200);
    CHECK(eventually([&] { return metric(c.port(i), "parley_redis_connected") == 1; }, 10s));
  }

  // Every acknowledged id is stored, and the channel's ids run 1..n without a gap.
  const auto stored = ids_of(stored_messages(c.port(1), c.token("watcher"), "load"));
  std::vector<std::int64_t> expected(stored.size());
  std::iota(expected.begin(), expected.end(), 1);
  CHECK(stored == expected);
  const std::set<std::int64_t> stored_set(stored.begin(), stored.end());
  std::vector<std::int64_t> missing;
  for (const auto id : seen.ids) {
    if (!stored_set.count(id)) {
      missing.push_back(id);
    }
  }
  CHECK(missing.empty());
  CHECK(stored.size() == seen.ids.size());  // no sender stopped, so every stored one was echoed
}
