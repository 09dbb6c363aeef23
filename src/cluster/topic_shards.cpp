#include "parley/cluster/topic_shards.hpp"

namespace parley::cluster {

std::uint64_t stable_hash(std::string_view name) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::size_t jump_hash(std::uint64_t key, std::size_t buckets) {
  // "A Fast, Minimal Memory, Consistent Hash Algorithm" (Lamping, Veach 2014), figure 1.
  std::int64_t b = -1;
  std::int64_t j = 0;
  while (j < static_cast<std::int64_t>(buckets)) {
    b = j;
    key = key * 2862933555777941757ull + 1;
    j = static_cast<std::int64_t>(
        static_cast<double>(b + 1) *
        (static_cast<double>(1ll << 31) / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<std::size_t>(b < 0 ? 0 : b);
}

}  // namespace parley::cluster
