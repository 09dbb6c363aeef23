#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "parley/util/backoff.hpp"

// Private to the bench module: what the fanout scenario decides when its connections drop and
// come back (a server restarted under load), without any I/O.
namespace parley::bench {

/// The waits before each reconnection attempt to a restarted server: 50 ms, doubling up to 1 s;
/// back to 50 ms once a connection worked. Short, because the benchmark measures the gap.
inline util::backoff reconnect_backoff() {
  return util::backoff(std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
}

/// What a fanout message says: publisher `pub`'s `seq`-th message, numbered `id` in its channel.
struct delivery {
  std::int64_t id = 0;
  unsigned pub = 0;
  std::int64_t seq = 0;
};

/// One subscriber's account of a channel across reconnections. A publisher sends its messages
/// with sequence numbers 0, 1, 2, … and resends the ones it has no acknowledgement for (same
/// text, so the same number) after a reconnect; the subscriber rejoins with `since` = last_id().
/// Each (publisher, number) counts once: seen again it is a duplicate (stored twice, or the
/// server repeated a message), arriving after a later number of its publisher — or with a
/// channel id below one already seen — it is out of order (but received). What a publisher sent
/// and this subscriber never received is missing.
///
/// Flat and cheap on the hot path: in order, a delivery is two compares and two increments;
/// numbers skipped over are kept as ranges, which stay empty while nothing is skipped.
class delivery_ledger {
 public:
  enum class verdict { fresh, duplicated, out_of_order };

  explicit delivery_ledger(unsigned publishers) : pubs_(publishers) {}

  /// The channel's last message id before the run: what a resume before any delivery asks after.
  void start_after(std::int64_t id) { last_id_ = id; }
  verdict record(const delivery& d);
  /// The `since` of a rejoin: the highest channel id received.
  std::int64_t last_id() const { return last_id_; }
  /// Distinct messages received from every publisher together.
  std::uint64_t received() const { return received_; }
  /// Messages of publisher `pub` (which sent `sent`, numbered from 0) never received.
  std::uint64_t missing(unsigned pub, std::uint64_t sent) const;

 private:
  struct publisher_view {
    std::int64_t next = 0;  ///< one past the highest number received
    std::uint64_t received = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> skipped;  ///< [from, to) not received yet
  };
  /// Takes `seq` out of a skipped range; false if it was not in one (received before).
  static bool fill(publisher_view& p, std::int64_t seq);

  std::vector<publisher_view> pubs_;
  std::int64_t last_id_ = 0;
  std::uint64_t received_ = 0;
};

/// A publisher's messages not acknowledged yet (its own copy not back), oldest first: what it
/// resends after a reconnect. Acknowledgements come in the order the messages were sent.
class send_window {
 public:
  struct entry {
    std::int64_t seq;
    std::string frame;
  };

  void sent(std::int64_t seq, std::string frame) { unacked_.push_back({seq, std::move(frame)}); }
  /// Our message `seq` came back: it and every earlier one are stored.
  void acknowledged(std::int64_t seq);
  std::size_t outstanding() const { return unacked_.size(); }
  const std::deque<entry>& unacked() const { return unacked_; }

 private:
  std::deque<entry> unacked_;
};

/// Reads `"id":<n>` from a frame: a message's channel id, or the newest one of a `history`
/// reply (0 when it has none). Also false when the frame has no such field.
bool parse_message_id(std::string_view frame, std::int64_t& id);

/// Reads a fanout text `p<publisher>:<seq>:<send time ns>` out of a message frame.
bool parse_payload(std::string_view frame, unsigned& pub, std::int64_t& seq, std::int64_t& ns);

}  // namespace parley::bench
