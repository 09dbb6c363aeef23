#pragma once

#include "parley/chat/bus.hpp"
#include "parley/chat/hub.hpp"

namespace parley::chat {

/// The bus of a standalone instance: committed messages go straight to the hub, and there is
/// nobody else to tell or to wait for.
class local_bus final : public bus {
 public:
  explicit local_bus(hub& h) : hub_(h) {}

  void start() override {}
  void stop() override {}

  void committed(store::database& db, const std::vector<outgoing_message>& batch) override;
  void token_revoked(const std::string&, std::int64_t) override {}
  boost::asio::awaitable<void> channel_ready(std::string channel) override;
  boost::asio::awaitable<void> user_ready(std::int64_t user_id) override;

 private:
  hub& hub_;
};

}  // namespace parley::chat
