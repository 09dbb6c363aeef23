#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parley/model/upload.hpp"

namespace parley::model {

/// A stored message.
struct stored_message {
  std::int64_t id = 0;
  std::string from;
  std::string text;
  std::int64_t ts_ms = 0;
  /// In order; empty for most messages. The `{}` keeps `{id, from, text, ts_ms}` free of
  /// -Wmissing-field-initializers.
  std::vector<attachment> attachments{};
};

/// A page of history, oldest first.
struct history_page {
  std::vector<stored_message> messages;
  bool has_more = false;
};

}  // namespace parley::model
