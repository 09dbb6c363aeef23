#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parley/cluster/topic_shards.hpp"

using namespace parley::cluster;

TEST_CASE("topic shards: FNV-1a is the published function") {
  // Reference values of 64-bit FNV-1a: "" and "a".
  CHECK(stable_hash("") == 14695981039346656037ull);
  CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cull);
}

TEST_CASE("topic shards: one server takes everything, and every name has one place") {
  for (int i = 0; i < 100; ++i) {
    CHECK(shard_of("c" + std::to_string(i), 1) == 0);
    CHECK(shard_of("c" + std::to_string(i), 3) < 3);
    CHECK(shard_of("c" + std::to_string(i), 3) == shard_of("c" + std::to_string(i), 3));
  }
}

TEST_CASE("topic shards: names spread evenly over the servers") {
  std::vector<int> count(4, 0);
  for (int i = 0; i < 4000; ++i) {
    ++count[shard_of("channel-" + std::to_string(i), 4)];
  }
  for (const int c : count) {
    CHECK(c > 850);
    CHECK(c < 1150);
  }
}

TEST_CASE("topic shards: adding a server moves only what lands on it") {
  int moved = 0;
  for (int i = 0; i < 3000; ++i) {
    const auto name = "room" + std::to_string(i);
    const auto before = shard_of(name, 2);
    const auto after = shard_of(name, 3);
    if (before != after) {
      ++moved;
      CHECK(after == 2);
    }
  }
  CHECK(moved > 800);
  CHECK(moved < 1200);
}
