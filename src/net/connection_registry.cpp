#include "parley/net/connection_registry.hpp"

#include <vector>

namespace parley::net {

std::uint64_t connection_registry::add(std::function<void()> request_close) {
  metrics_.connections.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
  }
  hand_over(id, std::move(request_close));
  return id;
}

void connection_registry::hand_over(std::uint64_t id, std::function<void()> request_close) {
  std::unique_lock lock(mutex_);
  if (closing_) {
    lock.unlock();
    request_close();
    lock.lock();
  }
  open_[id] = std::move(request_close);
}

void connection_registry::remove(std::uint64_t id) {
  metrics_.connections.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  open_.erase(id);
  if (open_.empty()) {
    empty_.notify_all();
  }
}

void connection_registry::close_all() {
  std::vector<std::function<void()>> closers;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    for (const auto& [id, fn] : open_) {
      closers.push_back(fn);
    }
  }
  for (auto& fn : closers) {
    fn();
  }
}

bool connection_registry::wait_empty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return empty_.wait_until(lock, deadline, [this] { return open_.empty(); });
}

std::size_t connection_registry::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace parley::net
