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

}  // namespace parley::chat
