#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace parley::model {

inline constexpr std::size_t max_channel_name = 64;

/// A user-made name: 1-64 characters from A-Z a-z 0-9 _ . -
bool valid_user_channel_name(std::string_view name);

/// A name a client may refer to: a user-made name, or a server-made one (`dm:a:b`, `match:id`).
bool valid_channel_reference(std::string_view name);

/// True for names that contain ':' (direct messages, matches): joined, read and sent to only by
/// their participants.
inline bool is_server_made(std::string_view name) {
  return name.find(':') != std::string_view::npos;
}

/// The DM channel of two users: `dm:<a>:<b>`, lower-cased and sorted.
std::string dm_channel_name(std::string_view user_a, std::string_view user_b);

/// The two lower-cased participants of a `dm:a:b` name; nullopt for any other name.
std::optional<std::pair<std::string, std::string>> dm_participants(std::string_view name);

}  // namespace parley::model
