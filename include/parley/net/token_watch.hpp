#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace parley::net {

/// The sessions of one I/O thread by the token they were opened with, so that a logout (the
/// token's revocation) or the token's expiry ends them (contract: close 4001). Sans-I/O: the
/// driver adds and removes sessions and asks which ones must end.
///
/// An idle session pays one tree node here (~64 bytes) and keeps the handle add() returned: no
/// timer per session, no second index. Tokens are told apart by a hash of their jti (random,
/// server-made ids, so no one can aim a collision); revocations are rare, so finding a token's
/// sessions is a scan of this thread's sessions.
template <class Owner>
class token_watch {
  struct entry {
    Owner* owner;
    std::uint64_t jti;
  };
  using index = std::multimap<std::int64_t, entry>;

 public:
  /// What remove() needs: keep it with the session.
  using handle = typename index::iterator;

  static std::uint64_t jti_key(std::string_view jti) { return std::hash<std::string_view>{}(jti); }

  /// A session opened with the token `jti` that expires at `expires_at` (unix seconds).
  handle add(Owner* owner, std::string_view jti, std::int64_t expires_at) {
    return by_expiry_.emplace(expires_at, entry{owner, jti_key(jti)});
  }
  /// A session that closed before its token ended.
  void remove(handle h) { by_expiry_.erase(h); }

  /// The sessions opened with `jti`, which are forgotten (their handles are spent).
  std::vector<Owner*> take_revoked(std::string_view jti) {
    const auto key = jti_key(jti);
    std::vector<Owner*> out;
    for (auto it = by_expiry_.begin(); it != by_expiry_.end();) {
      if (it->second.jti == key) {
        out.push_back(it->second.owner);
        it = by_expiry_.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }
  /// The sessions whose token expired at or before `now_s`, which are forgotten.
  std::vector<Owner*> take_expired(std::int64_t now_s) {
    std::vector<Owner*> out;
    while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_s) {
      out.push_back(by_expiry_.begin()->second.owner);
      by_expiry_.erase(by_expiry_.begin());
    }
    return out;
  }
  /// When the next token expires; nullopt with no session.
  std::optional<std::int64_t> next_expiry() const {
    if (by_expiry_.empty()) {
      return std::nullopt;
    }
    return by_expiry_.begin()->first;
  }

  std::size_t size() const { return by_expiry_.size(); }

 private:
  index by_expiry_;
};

}  // namespace parley::net
