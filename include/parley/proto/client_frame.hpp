#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parley/error/code.hpp"

namespace parley::proto {

inline constexpr std::size_t max_ref_length = 64;
inline constexpr std::size_t max_text_length = 4000;  ///< code points
inline constexpr int default_history_limit = 50;
inline constexpr int max_history_limit = 100;
inline constexpr std::size_t max_attachments = 10;

struct join_cmd {
  std::string channel;
  std::optional<std::int64_t> since;
};
struct leave_cmd {
  std::string channel;
  bool forget = false;  ///< also end the user's membership
};
struct create_cmd {
  std::string channel;
  bool is_private = false;
};
struct invite_cmd {
  std::string channel;
  std::string user;
};
struct send_cmd {
  std::string channel;  ///< empty when `to` is set
  std::string to;       ///< empty when `channel` is set
  std::string text;
  std::vector<std::string> attachments;  ///< upload ids, in order
};
struct history_cmd {
  std::string channel;
  std::optional<std::int64_t> before;
  int limit = default_history_limit;
};
struct seen_cmd {
  std::string channel;
  std::int64_t id = 0;
};
struct typing_cmd {
  std::string channel;
};
struct presence_cmd {
  std::string channel;
};
struct channels_cmd {};
struct match_cmd {};
struct unmatch_cmd {};
struct ping_cmd {};

/// Every client frame the server understands.
using command =
    std::variant<join_cmd, leave_cmd, create_cmd, invite_cmd, send_cmd, history_cmd, seen_cmd,
                 typing_cmd, presence_cmd, channels_cmd, match_cmd, unmatch_cmd, ping_cmd>;

/// A parse failure: the error frame to send (with the frame's ref when it had a usable one).
struct frame_error {
  error::code code;
  std::string message;
};

/// The outcome of parsing one text frame.
struct parsed_frame {
  std::optional<std::string> ref;
  std::string type;  ///< the frame's type when it had one (for metrics), else empty
  std::variant<command, frame_error> result;
};

/// Parses and validates one client frame (contract: "Client → server"). Never throws.
parsed_frame parse_client_frame(std::string_view text);

}  // namespace parley::proto
