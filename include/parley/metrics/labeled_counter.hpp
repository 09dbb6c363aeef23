#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace parley::metrics {

/// A counter family keyed by label values, e.g. {route, status}. Off the delivery hot path.
class labeled_counter {
 public:
  /// Adds `n` to the series with these label values (in the family's label order).
  void add(std::vector<std::string> label_values, std::uint64_t n = 1);

  /// Every series with its value, ordered by label values.
  std::vector<std::pair<std::vector<std::string>, std::uint64_t>> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::uint64_t> values_;
};

}  // namespace parley::metrics
