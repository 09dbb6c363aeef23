#pragma once

#include <vector>

#include "parley/model/upload.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace parley::chat {

/// A message on its way through the pipeline: validated on an I/O thread, numbered and stored
/// on the store thread, then fanned out. Carries who sent it so the sender's copy gets its ref.
struct outgoing_message {
  std::string channel;
  std::int64_t channel_id = 0;
  std::int64_t user_id = 0;
  std::string from;
  std::string text;
  std::vector<model::attachment> attachments;  ///< uploads of the sender, in order
  std::int64_t ts_ms = 0;
  std::int64_t id = 0;  ///< assigned by the message log
  /// When its transaction committed (parley_delivery_seconds starts here); unset for a message
  /// another instance committed.
  std::chrono::steady_clock::time_point committed_at{};
  /// The same on the wall clock, in microseconds since the epoch: it travels with the message to
  /// other instances, which time their deliveries from it (0: unknown).
  std::int64_t committed_unix_us = 0;

  std::uint64_t sender_session = 0;
  std::size_t sender_thread = 0;
  std::optional<std::string> ref;

  /// Direct messages go to every session of both users, joined or not.
  bool direct = false;
  std::int64_t dm_user_a = 0;
  std::int64_t dm_user_b = 0;
};

}  // namespace parley::chat
