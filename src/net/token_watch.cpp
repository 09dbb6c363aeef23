#include "parley/net/token_watch.hpp"

namespace parley::net {

void token_watch::add(std::uint64_t session, std::string jti, std::int64_t expires_at) {
  remove(session);
  const auto at = by_expiry_.emplace(expires_at, session);
  sessions_.emplace(session, entry{std::move(jti), at});
}

void token_watch::remove(std::uint64_t session) {
  if (auto it = sessions_.find(session); it != sessions_.end()) {
    by_expiry_.erase(it->second.at);
    sessions_.erase(it);
  }
}

std::vector<std::uint64_t> token_watch::take_revoked(std::string_view jti) {
  std::vector<std::uint64_t> out;
  for (const auto& [session, e] : sessions_) {
    if (e.jti == jti) {
      out.push_back(session);
    }
  }
  for (auto session : out) {
    remove(session);
  }
  return out;
}

std::vector<std::uint64_t> token_watch::take_expired(std::int64_t now_s) {
  std::vector<std::uint64_t> out;
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_s) {
    out.push_back(by_expiry_.begin()->second);
    remove(out.back());
  }
  return out;
}

std::optional<std::int64_t> token_watch::next_expiry() const {
  if (by_expiry_.empty()) {
    return std::nullopt;
  }
  return by_expiry_.begin()->first;
}

}  // namespace parley::net
