#pragma once

#include <cstdint>
#include <string>

namespace parley::model {

/// A channel as stored; kind is "public", "private", "dm" or "match".
struct channel_row {
  std::int64_t id = 0;
  std::string name;
  std::string kind;
  bool is_public() const { return kind == "public"; }
};

/// One entry of a channel list.
struct channel_summary {
  std::string name;
  bool is_private = false;  ///< server-made channels count as private
  std::int64_t members = 0;
  std::int64_t unread = 0;  ///< messages after the user's read marker; 0 where not a member
};

}  // namespace parley::model
