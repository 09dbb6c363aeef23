#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parley::model {

/// A stored message.
struct stored_message {
  std::int64_t id = 0;
  std::string from;
  std::string text;
  std::int64_t ts_ms = 0;
};

/// A page of history, oldest first.
struct history_page {
  std::vector<stored_message> messages;
  bool has_more = false;
};

}  // namespace parley::model
