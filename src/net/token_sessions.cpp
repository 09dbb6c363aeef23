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

token_sessions::watch::handle token_sessions::add(std::size_t thread, ws_session* session,
                                                  const auth::claims& token) {
  auto& t = *threads_[thread];
  const auto h = t.sessions.add(session, token.jti, token.expires_at);
  if (!t.armed_for || token.expires_at < *t.armed_for) {
    arm(t);
  }
  return h;
}

void token_sessions::remove(std::size_t thread, watch::handle h) {
  threads_[thread]->sessions.remove(h);
}

void token_sessions::revoked(const std::string& jti) {
  for (auto& t : threads_) {
    boost::asio::post(t->ctx,
                      [t = t.get(), jti] { end(t->sessions.take_revoked(jti), "logged out"); });
  }
}

void token_sessions::arm(per_thread& t) {
  t.armed_for = t.sessions.next_expiry();
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
    end(t.sessions.take_expired(util::unix_seconds()), "token expired");
    arm(t);
  });
}

void token_sessions::end(const std::vector<ws_session*>& sessions, const char* reason) {
  // Each one's handle is spent: the session must not remove itself again.
  for (auto* s : sessions) {
    s->token_ended(reason);
  }
}

}  // namespace parley::net
