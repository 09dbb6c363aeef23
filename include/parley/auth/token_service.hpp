#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parley/auth/jwt.hpp"

namespace parley::auth {

/// Issues and checks tokens, and remembers revoked ones until they expire. Thread-safe: any I/O
/// thread verifies; logout adds revocations (already stored in the database by the caller).
/// Lets an unordered_map keyed by std::string be searched with a string_view, without a copy.
struct transparent_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class token_service {
 public:
  token_service(std::string secret, std::int64_t ttl_s);

  /// A fresh token for a user with a new jti.
  std::pair<std::string, claims> issue(std::int64_t user_id, const std::string& username,
                                       std::int64_t now_s) const;

  /// The token's claims when it is valid, unexpired and not revoked. A token verified once is
  /// remembered (bounded) with its claims until it expires, so a client reconnecting with the
  /// same token costs a lookup, not a signature and two JSON parses.
  std::optional<claims> verify(std::string_view token, std::int64_t now_s) const;

  /// Verified tokens remembered at most; past it the memory starts again empty.
  static constexpr std::size_t max_verified = 16384;

  /// Remembers a revocation in memory.
  void revoke(const std::string& jti, std::int64_t expires_at, std::int64_t now_s);

  /// Replaces the revocation set (start-up, and after the cluster bus was away: from the
  /// database). Tokens new to the set are reported to the listener too.
  void load(std::vector<std::pair<std::string, std::int64_t>> revoked);

  /// Called with each newly revoked jti, outside the lock; set once before serving.
  void on_revoke(std::function<void(const std::string&)> listener) {
    listener_ = std::move(listener);
  }

 private:
  std::string secret_;
  std::int64_t ttl_s_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::int64_t> revoked_;
  /// Tokens whose signature and claims were checked, by their exact text.
  mutable std::unordered_map<std::string, claims, transparent_hash, std::equal_to<>> verified_;
  std::size_t purge_at_ = 1024;
  std::function<void(const std::string&)> listener_;
};

}  // namespace parley::auth
