#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace parley::cluster {

/// A stable 64-bit hash of a name (FNV-1a): the same on every instance, build and platform,
/// unlike std::hash.
std::uint64_t stable_hash(std::string_view name);

/// Lamping and Veach's jump consistent hash: the bucket in [0, buckets) for `key`. Going from n
/// to n + 1 buckets moves only the keys that land in the new one (about 1 / (n + 1) of them).
std::size_t jump_hash(std::uint64_t key, std::size_t buckets);

/// Which of `servers` Redis servers carries the topic named `name` (a channel's name, a user's
/// id): every instance computes the same from the same list.
inline std::size_t shard_of(std::string_view name, std::size_t servers) {
  return jump_hash(stable_hash(name), servers);
}

}  // namespace parley::cluster
