#include "parley/net/token_sessions.hpp"

#include <boost/asio/post.hpp>

#include "parley/net/ws_session.hpp"
#include "parley/util/clock.hpp"

namespace parley::net {

token_sessions::token_sessions(std::vector<boost::asio::io_context*> threads) {
  for (auto* ctx : threads) {
    threads_.push_back(std::make_unique<per_thread>(*ctx));
  }
}

void token_sessions::add(std::size_t thread, std::uint64_t session, const auth::claims& token,
                         std::weak_ptr<ws_session> owner) {
  auto& t = *threads_[thread];
  t.watch.add(session, token.jti, token.expires_at);
  t.owners[session] = std::move(owner);
  if (!t.armed_for || token.expires_at < *t.armed_for) {
    arm(t);
  }
}

void token_sessions::remove(std::size_t thread, std::uint64_t session) {
  auto& t = *threads_[thread];
  t.watch.remove(session);
  t.owners.erase(session);
}

void token_sessions::revoked(const std::string& jti) {
  for (auto& t : threads_) {
    boost::asio::post(
        t->ctx, [this, t = t.get(), jti] { end(*t, t->watch.take_revoked(jti), "logged out"); });
  }
}

void token_sessions::arm(per_thread& t) {
  t.armed_for = t.watch.next_expiry();
  if (!t.armed_for) {
    t.timer.cancel();
    return;
  }
  // Whole seconds from a truncated clock: the wait ends at the expiry or just after, never
  // before it.
  const auto wait = std::max<std::int64_t>(0, *t.armed_for - util::unix_seconds());
  t.timer.expires_after(std::chrono::seconds(wait));
  t.timer.async_wait([this, &t](const boost::system::error_code& ec) {
    if (ec) {
      return;  // re-armed for an earlier expiry, or shutting down
    }
    end(t, t.watch.take_expired(util::unix_seconds()), "token expired");
    arm(t);
  });
}

void token_sessions::end(per_thread& t, const std::vector<std::uint64_t>& sessions,
                         const char* reason) {
  for (auto id : sessions) {
    auto it = t.owners.find(id);
    if (it == t.owners.end()) {
      continue;
    }
    if (auto s = it->second.lock()) {
      s->end(token_ended_close, reason);
    }
    t.owners.erase(it);
  }
}

}  // namespace parley::net
