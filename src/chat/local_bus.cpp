#include "parley/chat/local_bus.hpp"

namespace parley::chat {

void local_bus::committed(store::database&, const std::vector<outgoing_message>& batch) {
  for (const auto& m : batch) {
    hub_.publish(m);
  }
}

boost::asio::awaitable<void> local_bus::channel_ready(std::string) {
  co_return;
}

boost::asio::awaitable<void> local_bus::user_ready(std::int64_t) {
  co_return;
}

boost::asio::awaitable<std::optional<match_candidate>> local_bus::match(match_candidate me) {
  std::lock_guard lock(mutex_);
  co_return queue_.pair_or_wait(me.user_id, me.username, me.seats.at(0));
}

void local_bus::unmatch(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  queue_.leave(user_id);
}

void local_bus::unmatch_seat(std::int64_t user_id, match_seat seat) {
  std::lock_guard lock(mutex_);
  queue_.leave_seat(user_id, seat);
}

void local_bus::announce_match(const match_candidate& user, const model::channel_row& channel,
                               const std::string& peer) {
  for (const auto& seat : user.seats) {
    hub_.deliver_match(seat.thread, seat.session, channel, peer);
  }
}

}  // namespace parley::chat
