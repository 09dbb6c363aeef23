#include "parley/auth/attempt_limiter.hpp"

namespace parley::auth {

attempt_limiter::attempt_limiter(std::uint32_t limit, std::chrono::seconds window,
                                 std::size_t max_addresses)
    : limit_(limit), window_(window), max_addresses_(std::max<std::size_t>(1, max_addresses)) {}

std::optional<std::chrono::seconds> attempt_limiter::attempt(std::string_view address,
                                                             clock::time_point now) {
  if (limit_ == 0) {
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(address));
  if (it == entries_.end()) {
    if (entries_.size() >= max_addresses_) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.emplace_front(address);
    it = entries_.emplace(lru_.front(), entry{{}, 0, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  auto& e = it->second;
  if (e.times.size() < limit_) {
    e.times.push_back(now);
    return std::nullopt;
  }
  const auto oldest = e.times[e.next];
  if (now - oldest < window_) {
    const auto wait = oldest + window_ - now;
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(wait));
  }
  e.times[e.next] = now;
  e.next = (e.next + 1) % e.times.size();
  return std::nullopt;
}

std::size_t attempt_limiter::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace parley::auth
