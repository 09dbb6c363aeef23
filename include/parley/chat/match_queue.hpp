#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace parley::chat {

/// One session that asked for a random match: where its `matched` goes.
struct match_seat {
  std::string node;  ///< the instance it lives on (empty when standalone)
  std::size_t thread = 0;
  std::uint64_t session = 0;

  bool operator==(const match_seat&) const = default;
};

/// A user waiting for a match, with every session of theirs that asked.
struct match_candidate {
  std::int64_t user_id = 0;
  std::string username;
  std::vector<match_seat> seats;
};

/// The random-matching queue of a standalone instance: first come, first matched. A user is in
/// it at most once, however many of their sessions ask (each asking session is a seat of that
/// one place), and is never paired with themself. A cluster keeps the same rules in Redis
/// (cluster::redis_bus). Not thread-safe.
class match_queue {
 public:
  /// `seat` of `user_id` asks for a match: the waiting user it is paired with (taken out of the
  /// queue), or nullopt when it now waits — also when the user was waiting already (the seat
  /// joins their place).
  std::optional<match_candidate> pair_or_wait(std::int64_t user_id, const std::string& username,
                                              const match_seat& seat);
  /// The user leaves the queue (`unmatch`). False when they were not in it.
  bool leave(std::int64_t user_id);
  /// One asking session went away; the user leaves the queue with their last seat.
  void leave_seat(std::int64_t user_id, const match_seat& seat);

  std::size_t waiting() const { return queue_.size(); }

 private:
  std::deque<match_candidate> queue_;
};

}  // namespace parley::chat
