#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "parley/chat/bus.hpp"
#include "parley/chat/hub.hpp"
#include "parley/chat/membership_cache.hpp"
#include "parley/chat/message_log.hpp"
#include "parley/chat/rate_limiter.hpp"
#include "parley/chat/session_channels.hpp"
#include "parley/chat/session_output.hpp"
#include "parley/chat/session_sink.hpp"
#include "parley/error/code.hpp"
#include "parley/metrics/registry.hpp"
#include "parley/model/channel.hpp"
#include "parley/proto/client_frame.hpp"
#include "parley/store/store.hpp"

namespace parley::chat {

/// Messages read per history chunk while replaying `join` with `since`.
inline constexpr int replay_chunk = 500;

/// What every session shares, owned by the server.
struct session_services {
  store::store& db;
  chat::hub& hub;
  chat::message_log& messages;
  chat::bus& bus;
  chat::membership_cache& memberships;
  metrics::registry& metrics;
};

/// The signed-in user a session speaks for.
struct session_user {
  std::int64_t id = 0;
  std::string username;
};

/// The chat logic of one WebSocket session, whatever carries its frames: runs the client's
/// commands one at a time (contract: "Client → server"), each answered by exactly one direct
/// reply or error carrying its `ref`, and receives what the hub fans out. Lives on the
/// session's I/O thread; store work is awaited, never done here.
class session final : public session_sink {
 public:
  session(session_services& svc, session_output& out, std::size_t thread, session_user user,
          std::uint32_t rate_limit, std::uint32_t rate_burst);

  /// Joins the hub, waits until the cluster delivers this user's frames here, says `hello`.
  boost::asio::awaitable<void> open(std::string_view instance_id);
  /// Leaves the hub (every channel).
  void close();

  /// Runs one parsed client frame (rate limit first).
  boost::asio::awaitable<void> handle(proto::parsed_frame& frame);

  std::uint64_t session_id() const override { return id_; }
  std::int64_t user_id() const override { return user_.id; }
  const std::string& username() const { return user_.username; }
  void deliver_message(const std::string& channel, std::int64_t id, const shared_frame& frame,
                       std::chrono::steady_clock::time_point committed_at) override;
  void deliver(const shared_frame& frame) override;
  void channel_forgotten(const std::string& channel) override;
  void match_made(const model::channel_row& channel, const std::string& peer) override;

 private:
  using ref_t = std::optional<std::string>;

  boost::asio::awaitable<void> on_join(proto::join_cmd& c, const ref_t& ref);
  boost::asio::awaitable<void> on_leave(proto::leave_cmd& c, const ref_t& ref);
  boost::asio::awaitable<void> on_create(proto::create_cmd& c, const ref_t& ref);
  boost::asio::awaitable<void> on_invite(proto::invite_cmd& c, const ref_t& ref);
  boost::asio::awaitable<void> on_send(proto::send_cmd& c, const ref_t& ref);
  boost::asio::awaitable<void> on_history(proto::history_cmd& c, const ref_t& ref);
  boost::asio::awaitable<void> on_seen(proto::seen_cmd& c, const ref_t& ref);
  void on_typing(const proto::typing_cmd& c, const ref_t& ref);
  boost::asio::awaitable<void> on_presence(proto::presence_cmd& c, const ref_t& ref);
  boost::asio::awaitable<void> on_channels(const ref_t& ref);
  boost::asio::awaitable<void> on_match(const ref_t& ref);
  void on_unmatch(const ref_t& ref);

  /// Joins a match's channel from its first message, after telling the client `matched`.
  boost::asio::awaitable<void> join_match(model::channel_row channel, std::string peer);
  match_seat seat() const { return {svc_.bus.node(), thread_, id_}; }

  /// Replays stored messages after `since`, then releases what arrived live meanwhile.
  boost::asio::awaitable<void> replay(const std::string& channel, std::int64_t since, bool newly);
  /// Subscribes to the channel's messages, held until the caller has answered the command.
  boost::asio::awaitable<bool> subscribe(const std::string& channel, std::int64_t channel_id,
                                         std::optional<std::int64_t> since);
  void send(std::string frame);
  void send_all(const std::vector<shared_frame>& frames);
  void send_error(error::code code, std::string_view message, const ref_t& ref);

  session_services& svc_;
  session_output& out_;
  std::size_t thread_;
  session_user user_;
  std::uint64_t id_;
  rate_limiter limiter_;
  /// `typing` fans out to a whole channel: beyond this bucket a session's typing frames are
  /// dropped unanswered (an error per dropped frame would be a flood of its own).
  rate_limiter typing_limiter_;
  session_channels channels_;
  bool waiting_for_match_ = false;
  /// DM channels already resolved, by the peer's lower-cased name: (channel, peer id).
  std::unordered_map<std::string, std::pair<model::channel_row, std::int64_t>> direct_;
};

}  // namespace parley::chat
