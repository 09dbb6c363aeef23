#include "parley/chat/membership_cache.hpp"

namespace parley::chat {

std::optional<model::channel_row> membership_cache::member_channel(const std::string& name,
                                                                   std::int64_t user_id) const {
  std::lock_guard lock(mutex_);
  const auto it = channels_.find(name);
  if (it == channels_.end() || !members_.contains({it->second.id, user_id})) {
    return std::nullopt;
  }
  return it->second;
}

std::uint64_t membership_cache::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

bool membership_cache::remember(const model::channel_row& channel, std::int64_t user_id,
                                std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) {
    return false;
  }
  if (channels_.size() + members_.size() >= capacity_) {
    channels_.clear();
    members_.clear();
  }
  channels_.try_emplace(channel.name, channel);
  members_.insert({channel.id, user_id});
  return true;
}

void membership_cache::clear() {
  std::lock_guard lock(mutex_);
  ++generation_;
  channels_.clear();
  members_.clear();
}

void membership_cache::forget(const std::string& name, std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  if (const auto it = channels_.find(name); it != channels_.end()) {
    members_.erase({it->second.id, user_id});
  }
}

std::size_t membership_cache::size() const {
  std::lock_guard lock(mutex_);
  return members_.size();
}

}  // namespace parley::chat
