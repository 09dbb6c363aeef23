#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parley/model/message.hpp"
#include "parley/proto/shared_frame.hpp"

namespace parley::chat {

/// The channels one session has joined, and the rule that gives a client every message of a
/// channel once, in id order, with no gap: across a join, a `join` with `since` (a resume, also
/// while already joined) and messages that arrive live while stored ones are being replayed.
///
/// No I/O: the session's driver asks what to do and does it. Live messages are *held* from the
/// moment of subscription until the client has its `joined` and whatever a replay reads from
/// the store; then the held ones beyond what was sent are released. Anything at or below the
/// highest id already sent is dropped as a duplicate.
class session_channels {
 public:
  /// Where a replay reads next, and where it stops.
  struct replay_cursor {
    std::int64_t after = 0;        ///< read stored messages with id > after
    std::int64_t stop_before = 0;  ///< 0: no bound; else stop at the first id >= this
    bool done = false;
  };

  /// True when the session has joined the channel.
  bool joined(const std::string& channel) const { return channels_.contains(channel); }
  /// The joined channel's stored id.
  std::optional<std::int64_t> channel_id(const std::string& channel) const;

  /// The session was newly subscribed to the channel: live messages are held from now on until
  /// release() or finish_replay(). `since`: the client already has every id up to it.
  void subscribe(const std::string& channel, std::int64_t channel_id,
                 std::optional<std::int64_t> since);
  /// The session left the channel: its state and held messages are forgotten.
  void unsubscribe(const std::string& channel);

  /// A live message: true when its frame goes to the client now; false when it is held for a
  /// running replay or was sent already. A channel the session has not joined (a direct
  /// message to one of the user's sessions) always goes out.
  bool on_live(const std::string& channel, std::int64_t id, const proto::shared_frame& frame);

  /// Ends holding without a replay (a join without `since`): the held messages to send, in
  /// order, without duplicates.
  std::vector<proto::shared_frame> release(const std::string& channel);

  /// Starts a replay of stored messages after `since`, holding live ones meanwhile. The replay
  /// stops at the first id received live in this subscription, even one that arrives while it
  /// reads: everything from there on is sent live, and the sender's own copy of a message keeps
  /// its ref however the reads and the message's commit interleave. For a session that was
  /// already joined (`newly` false) that id is the first live one since it joined.
  replay_cursor start_replay(const std::string& channel, std::int64_t since, bool newly);
  /// A page of stored messages of the channel read after `cursor.after` (at most
  /// `page_limit`): returns how many of them, from the front, go to the client, and moves the
  /// cursor past them.
  std::size_t accept_page(const std::string& channel, replay_cursor& cursor,
                          const std::vector<model::stored_message>& page,
                          std::size_t page_limit) const;
  /// Ends the replay: the held messages the replay did not already cover, in order.
  std::vector<proto::shared_frame> finish_replay(const std::string& channel,
                                                 const replay_cursor& cursor);

 private:
  struct channel_state {
    std::int64_t channel_id = 0;
    bool holding = false;
    std::int64_t delivered_up_to = 0;  ///< highest message id sent to the client
    std::int64_t first_live_id = 0;    ///< first id received live in this subscription
    std::vector<std::pair<std::int64_t, proto::shared_frame>> held;
  };

  std::vector<proto::shared_frame> release_held(channel_state& state, std::int64_t sent_up_to);

  std::unordered_map<std::string, channel_state> channels_;
};

}  // namespace parley::chat
