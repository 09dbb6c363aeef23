#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parley/chat/presence_entry.hpp"

namespace parley::chat {

/// Who is present in which channel on the other instances of a cluster, by instance, so that a
/// silent instance's users can be dropped at once. Not thread-safe: the hub keeps it under its
/// lock.
class remote_presence {
 public:
  /// A user that became present in a channel on some other instance (or stopped being present
  /// on every other instance).
  struct change {
    presence_entry entry;
    bool present = false;
    bool operator==(const change&) const = default;
  };

  std::vector<change> set(const std::string& node, const presence_entry& e, bool present);
  /// Replaces everything known of `node` with `entries`.
  std::vector<change> replace(const std::string& node, const std::vector<presence_entry>& entries);
  /// Forgets `node` (it left, or went silent).
  std::vector<change> drop(const std::string& node);

  bool has(const std::string& channel, std::int64_t user_id) const;
  /// Appends the usernames present in `channel` on other instances.
  void usernames(const std::string& channel, std::vector<std::string>& out) const;
  /// Appends the users (id, name) present in `channel` on other instances.
  void users(const std::string& channel,
             std::vector<std::pair<std::int64_t, std::string>>& out) const;

 private:
  using key = std::pair<std::string, std::int64_t>;  ///< channel, user id
  bool add(const std::string& node, const presence_entry& e);
  bool remove(const std::string& node, const key& k);

  std::unordered_map<std::string, std::map<key, std::string>> nodes_;  ///< node -> key -> name
  /// channel -> user id -> (name, number of instances where present)
  std::unordered_map<std::string, std::map<std::int64_t, std::pair<std::string, int>>> counts_;
};

}  // namespace parley::chat
