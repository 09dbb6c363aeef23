#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parley::net {

/// The WebSocket sessions of one I/O thread by the token they were opened with, so that a
/// logout (the token's revocation) or the token's expiry ends them (contract: close 4001).
/// Sans-I/O: the driver adds and removes sessions and asks which ones must end.
///
/// One ordered index by expiry (a session costs one tree node and one hash entry, ~100 bytes)
/// instead of a timer per session; revocations are rare, so finding a token's sessions is a
/// scan of this thread's sessions rather than a second index that every session would pay for.
class token_watch {
 public:
  /// A session opened with the token `jti` that expires at `expires_at` (unix seconds).
  void add(std::uint64_t session, std::string jti, std::int64_t expires_at);
  /// A session that closed.
  void remove(std::uint64_t session);

  /// The sessions opened with `jti`, which are forgotten.
  std::vector<std::uint64_t> take_revoked(std::string_view jti);
  /// The sessions whose token expired at or before `now_s`, which are forgotten.
  std::vector<std::uint64_t> take_expired(std::int64_t now_s);
  /// When the next token expires; nullopt with no session.
  std::optional<std::int64_t> next_expiry() const;

  std::size_t size() const { return sessions_.size(); }

 private:
  using expiry_index = std::multimap<std::int64_t, std::uint64_t>;
  struct entry {
    std::string jti;
    expiry_index::iterator at;
  };

  expiry_index by_expiry_;
  std::unordered_map<std::uint64_t, entry> sessions_;
};

}  // namespace parley::net
