#include "parley/chat/match_queue.hpp"

#include <algorithm>

namespace parley::chat {

std::optional<match_candidate> match_queue::pair_or_wait(std::int64_t user_id,
                                                         const std::string& username,
                                                         const match_seat& seat) {
  auto mine = std::find_if(queue_.begin(), queue_.end(),
                           [user_id](const match_candidate& c) { return c.user_id == user_id; });
  if (mine != queue_.end()) {
    if (std::find(mine->seats.begin(), mine->seats.end(), seat) == mine->seats.end()) {
      mine->seats.push_back(seat);
    }
    return std::nullopt;
  }
  if (!queue_.empty()) {
    auto peer = std::move(queue_.front());
    queue_.pop_front();
    return peer;
  }
  queue_.push_back({user_id, username, {seat}});
  return std::nullopt;
}

bool match_queue::leave(std::int64_t user_id) {
  const auto before = queue_.size();
  std::erase_if(queue_, [user_id](const match_candidate& c) { return c.user_id == user_id; });
  return queue_.size() != before;
}

void match_queue::leave_seat(std::int64_t user_id, const match_seat& seat) {
  auto it = std::find_if(queue_.begin(), queue_.end(),
                         [user_id](const match_candidate& c) { return c.user_id == user_id; });
  if (it == queue_.end()) {
    return;
  }
  std::erase(it->seats, seat);
  if (it->seats.empty()) {
    queue_.erase(it);
  }
}

}  // namespace parley::chat
