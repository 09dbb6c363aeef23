#pragma once

#include <mutex>

#include "parley/chat/bus.hpp"
#include "parley/chat/hub.hpp"
#include "parley/chat/match_queue.hpp"

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

  const std::string& node() const override { return node_; }
  boost::asio::awaitable<std::optional<match_candidate>> match(match_candidate me) override;
  void unmatch(std::int64_t user_id) override;
  void unmatch_seat(std::int64_t user_id, match_seat seat) override;
  void announce_match(const match_candidate& user, const model::channel_row& channel,
                      const std::string& peer) override;

 private:
  hub& hub_;
  const std::string node_;
  std::mutex mutex_;
  match_queue queue_;  ///< under mutex_
};

}  // namespace parley::chat
