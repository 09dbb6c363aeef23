// The hub's per-user work: ended memberships, matches for one session, who is online.
#include <algorithm>

#include "parley/chat/hub.hpp"
#include "parley/model/username.hpp"

namespace parley::chat {

void hub::end_membership(std::int64_t user_id, const std::string& channel,
                         std::uint64_t except_session) {
  link_->membership_ended(user_id, channel);
  end_membership_local(user_id, channel, except_session);
}

void hub::end_membership_local(std::int64_t user_id, const std::string& channel,
                               std::uint64_t except_session) {
  for (auto t : threads_of_users({user_id})) {
    run_on(t, [this, t, user_id, channel, except_session] {
      auto& local = locals_[t];
      auto it = local.users.find(user_id);
      if (it == local.users.end()) {
        return;
      }
      const auto sessions = it->second;
      for (auto* s : sessions) {
        if (s->session_id() != except_session && unsubscribe(t, s, channel)) {
          s->channel_forgotten(channel);
        }
      }
    });
  }
}

void hub::deliver_match(std::size_t thread, std::uint64_t session, model::channel_row channel,
                        std::string peer) {
  if (thread >= threads_.size()) {
    return;  // a seat from another instance's wire that names no thread of ours
  }
  run_on(thread, [this, thread, session, channel = std::move(channel), peer = std::move(peer)] {
    if (auto it = locals_[thread].sessions.find(session); it != locals_[thread].sessions.end()) {
      it->second->match_made(channel, peer);
    }
  });
}

std::vector<std::pair<std::int64_t, std::string>> hub::online_users(
    std::string_view key_prefix) const {
  std::vector<std::pair<std::int64_t, std::string>> everyone;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, user] : user_threads_) {
      everyone.emplace_back(id, user.username);
    }
    remote_.users(online_channel, everyone);
  }
  // Filtered outside the lock that fan-out takes.
  std::erase_if(everyone, [key_prefix](const auto& user) {
    return !model::username_key(user.second).starts_with(key_prefix);
  });
  std::sort(everyone.begin(), everyone.end());
  everyone.erase(std::unique(everyone.begin(), everyone.end()), everyone.end());
  return everyone;
}

std::vector<bool> hub::online(const std::vector<std::int64_t>& ids) const {
  std::vector<bool> out(ids.size());
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out[i] = user_threads_.contains(ids[i]) || remote_.has(online_channel, ids[i]);
  }
  return out;
}

}  // namespace parley::chat
