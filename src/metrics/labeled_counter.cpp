#include "parley/metrics/labeled_counter.hpp"

namespace parley::metrics {

void labeled_counter::add(std::vector<std::string> label_values, std::uint64_t n) {
  std::lock_guard lock(mutex_);
  values_[std::move(label_values)] += n;
}

std::vector<std::pair<std::vector<std::string>, std::uint64_t>> labeled_counter::snapshot() const {
  std::lock_guard lock(mutex_);
  return {values_.begin(), values_.end()};
}

}  // namespace parley::metrics
