#pragma once

#include <cstdint>
#include <string>

namespace parley::chat {

/// One user present in one channel, as instances tell each other.
struct presence_entry {
  std::string channel;
  std::int64_t user_id = 0;
  std::string username;

  bool operator==(const presence_entry&) const = default;
};

}  // namespace parley::chat
