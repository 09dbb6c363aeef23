#pragma once

#include <chrono>
#include <thread>

namespace parley::test {

/// Polls `ok` until it holds (bounded in count and time): for state another process changes
/// with no event to await, such as presence that travels between instances.
template <class Pred>
bool eventually(Pred ok, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (int i = 0; i < 1000; ++i) {
    if (ok()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= until) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace parley::test
