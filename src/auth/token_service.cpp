#include "parley/auth/token_service.hpp"

#include "parley/util/random.hpp"

namespace parley::auth {

token_service::token_service(std::string secret, std::int64_t ttl_s)
    : secret_(std::move(secret)), ttl_s_(ttl_s) {}

std::pair<std::string, claims> token_service::issue(std::int64_t user_id,
                                                    const std::string& username,
                                                    std::int64_t now_s) const {
  claims c{user_id, username, now_s, now_s + ttl_s_, util::random_hex(16)};
  return {sign_jwt(c, secret_), std::move(c)};
}

std::optional<claims> token_service::verify(std::string_view token, std::int64_t now_s) const {
  {
    std::shared_lock lock(mutex_);
    if (const auto it = verified_.find(token); it != verified_.end()) {
      if (it->second.expires_at <= now_s || revoked_.contains(it->second.jti)) {
        return std::nullopt;
      }
      return it->second;
    }
  }
  auto result = verify_jwt(token, secret_, now_s);
  if (!result.ok()) {
    return std::nullopt;
  }
  std::unique_lock lock(mutex_);
  if (revoked_.contains(result.value.jti)) {
    return std::nullopt;
  }
  if (verified_.size() >= max_verified) {
    verified_.clear();  // a miss costs one verification: simpler than tracking age
  }
  verified_.emplace(std::string(token), result.value);
  return std::move(result.value);
}

void token_service::revoke(const std::string& jti, std::int64_t expires_at, std::int64_t now_s) {
  std::unique_lock lock(mutex_);
  const bool added = revoked_.insert_or_assign(jti, expires_at).second;
  // Expired revocations are dead weight: drop them whenever the set doubles.
  if (revoked_.size() >= purge_at_) {
    std::erase_if(revoked_, [now_s](const auto& kv) { return kv.second <= now_s; });
    purge_at_ = std::max<std::size_t>(1024, revoked_.size() * 2);
  }
  lock.unlock();
  if (added && listener_) {
    listener_(jti);
  }
}

void token_service::load(std::vector<std::pair<std::string, std::int64_t>> revoked) {
  std::vector<std::string> added;
  std::unique_lock lock(mutex_);
  auto previous = std::move(revoked_);
  revoked_.clear();
  for (auto& [jti, exp] : revoked) {
    if (!previous.contains(jti)) {
      added.push_back(jti);
    }
    revoked_.emplace(std::move(jti), exp);
  }
  lock.unlock();
  if (listener_) {
    for (const auto& jti : added) {
      listener_(jti);
    }
  }
}

}  // namespace parley::auth
