#include "parley/chat/hub.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "parley/proto/server_frames.hpp"
#include "parley/store/channels.hpp"

namespace parley::chat {
namespace {

void erase_one(std::vector<session_sink*>& v, session_sink* s) {
  if (auto it = std::find(v.begin(), v.end(), s); it != v.end()) {
    *it = v.back();
    v.pop_back();
  }
}

}  // namespace

cluster_link& hub::nobody() {
  static cluster_link instance;
  return instance;
}

hub::hub(std::vector<boost::asio::io_context*> threads, metrics::registry& metrics)
    : threads_(std::move(threads)), metrics_(metrics), locals_(threads_.size()) {
  metrics_.set_io_threads(threads_.size());
}

void hub::attach(std::size_t thread, session_sink* session, const std::string& username) {
  auto& local = locals_[thread];
  local.sessions[session->session_id()] = session;
  local.users[session->user_id()].push_back(session);
  local.usernames[session] = username;
  std::lock_guard lock(mutex_);
  auto& user = user_threads_[session->user_id()];
  if (user.sessions_per_thread.empty()) {
    user.username = username;
    link_->user_active(session->user_id(), true);
    // Being connected is presence in the unnamed channel (no real channel has an empty name):
    // the other instances learn who is online the way they learn who is in a channel.
    link_->presence_changed({online_channel, session->user_id(), username}, true);
  }
  user.sessions_per_thread.resize(threads_.size());
  ++user.sessions_per_thread[thread];
}

void hub::detach(std::size_t thread, session_sink* session) {
  auto& local = locals_[thread];
  if (auto it = local.joined.find(session); it != local.joined.end()) {
    const auto channels = it->second;
    for (const auto& channel : channels) {
      unsubscribe(thread, session, channel);
    }
    local.joined.erase(session);
  }
  local.sessions.erase(session->session_id());
  local.usernames.erase(session);
  if (auto it = local.users.find(session->user_id()); it != local.users.end()) {
    erase_one(it->second, session);
    if (it->second.empty()) {
      local.users.erase(it);
    }
  }
  std::lock_guard lock(mutex_);
  if (auto it = user_threads_.find(session->user_id()); it != user_threads_.end()) {
    auto& counts = it->second.sessions_per_thread;
    --counts[thread];
    if (std::all_of(counts.begin(), counts.end(), [](auto n) { return n == 0; })) {
      link_->presence_changed({online_channel, session->user_id(), it->second.username}, false);
      user_threads_.erase(it);
      link_->user_active(session->user_id(), false);
    }
  }
}

bool hub::subscribe(std::size_t thread, session_sink* session, const std::string& channel) {
  auto& local = locals_[thread];
  auto& joined = local.joined[session];
  if (std::find(joined.begin(), joined.end(), channel) != joined.end()) {
    return false;
  }
  const auto& username = local.usernames[session];
  bool announce = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, created] = channels_.try_emplace(channel);
    if (created) {
      it->second.sessions_per_thread.resize(threads_.size());
      metrics_.channels.fetch_add(1, std::memory_order_relaxed);
      link_->channel_active(channel, true);
    }
    ++it->second.sessions_per_thread[thread];
    auto& user = it->second.users[session->user_id()];
    user.first = username;
    if (user.second++ == 0) {
      // Told to this instance's other users of the channel only: with none, no frame is made.
      announce = it->second.users.size() > 1 && !remote_.has(channel, session->user_id());
      link_->presence_changed({channel, session->user_id(), username}, true);
    }
  }
  // The local index is updated before this thread can run any delivery posted from now on.
  joined.push_back(channel);
  local.channels[channel].push_back(session);
  if (announce) {
    broadcast_local(channel,
                    proto::make_frame(proto::user_event_frame("user_joined", channel, username)),
                    session->session_id());
  }
  return true;
}

bool hub::unsubscribe(std::size_t thread, session_sink* session, const std::string& channel) {
  auto& local = locals_[thread];
  auto jit = local.joined.find(session);
  if (jit == local.joined.end()) {
    return false;
  }
  auto cit = std::find(jit->second.begin(), jit->second.end(), channel);
  if (cit == jit->second.end()) {
    return false;
  }
  jit->second.erase(cit);
  return remove_subscription(thread, session, channel);
}

bool hub::remove_subscription(std::size_t thread, session_sink* session,
                              const std::string& channel) {
  auto& local = locals_[thread];
  if (auto it = local.channels.find(channel); it != local.channels.end()) {
    erase_one(it->second, session);
    if (it->second.empty()) {
      local.channels.erase(it);
    }
  }
  bool announce = false;
  std::string username;
  {
    std::lock_guard lock(mutex_);
    auto it = channels_.find(channel);
    if (it == channels_.end()) {
      return true;
    }
    --it->second.sessions_per_thread[thread];
    auto uit = it->second.users.find(session->user_id());
    if (uit != it->second.users.end() && --uit->second.second == 0) {
      username = uit->second.first;
      it->second.users.erase(uit);
      announce = !it->second.users.empty() && !remote_.has(channel, session->user_id());
      link_->presence_changed({channel, session->user_id(), username}, false);
    }
    if (it->second.users.empty()) {
      channels_.erase(it);
      metrics_.channels.fetch_sub(1, std::memory_order_relaxed);
      link_->channel_active(channel, false);
    }
  }
  if (announce) {
    broadcast_local(channel,
                    proto::make_frame(proto::user_event_frame("user_left", channel, username)));
  }
  return true;
}

std::vector<std::size_t> hub::threads_of_channel(const std::string& channel) const {
  std::vector<std::size_t> out;
  std::lock_guard lock(mutex_);
  if (auto it = channels_.find(channel); it != channels_.end()) {
    for (std::size_t t = 0; t < it->second.sessions_per_thread.size(); ++t) {
      if (it->second.sessions_per_thread[t] > 0) {
        out.push_back(t);
      }
    }
  }
  return out;
}

std::vector<std::size_t> hub::threads_of_users(const std::vector<std::int64_t>& users) const {
  std::vector<bool> wanted(threads_.size());
  {
    std::lock_guard lock(mutex_);
    for (auto u : users) {
      if (auto it = user_threads_.find(u); it != user_threads_.end()) {
        const auto& counts = it->second.sessions_per_thread;
        for (std::size_t t = 0; t < counts.size(); ++t) {
          wanted[t] = wanted[t] || counts[t] > 0;
        }
      }
    }
  }
  std::vector<std::size_t> out;
  for (std::size_t t = 0; t < wanted.size(); ++t) {
    if (wanted[t]) {
      out.push_back(t);
    }
  }
  return out;
}

void hub::publish(const outgoing_message& m) {
  const model::stored_message stored{m.id, m.from, m.text, m.ts_ms, m.attachments};
  delivery d;
  d.channel = m.channel;
  d.message_id = m.id;
  d.committed_at = m.committed_at;
  d.frame = proto::make_frame(proto::message_frame(m.channel, stored));
  d.ref_session = m.sender_session;
  d.ref_frame = m.ref ? proto::make_frame(proto::message_frame(m.channel, stored, m.ref)) : d.frame;
  auto targets =
      m.direct ? threads_of_users({m.dm_user_a, m.dm_user_b}) : threads_of_channel(m.channel);
  if (m.direct) {
    d.users = {m.dm_user_a};
    if (m.dm_user_b != m.dm_user_a) {
      d.users.push_back(m.dm_user_b);
    }
  }
  // The sender hears back even if it left the channel while the message was being stored.
  if (std::find(targets.begin(), targets.end(), m.sender_thread) == targets.end()) {
    targets.push_back(m.sender_thread);
  }
  for (auto t : targets) {
    post(t, d);
  }
}

void hub::broadcast(const std::string& channel, shared_frame frame, std::uint64_t except_session) {
  link_->channel_frame(channel, frame);
  broadcast_local(channel, std::move(frame), except_session);
}

void hub::send_to_user(std::int64_t user_id, shared_frame frame) {
  link_->user_frame(user_id, frame);
  send_to_user_local(user_id, std::move(frame));
}

void hub::broadcast_local(const std::string& channel, shared_frame frame,
                          std::uint64_t except_session) {
  delivery d;
  d.channel = channel;
  d.frame = std::move(frame);
  d.except_session = except_session;
  for (auto t : threads_of_channel(channel)) {
    post(t, d);
  }
}

void hub::send_to_session(std::size_t thread, std::uint64_t session, shared_frame frame) {
  run_on(thread, [this, thread, session, frame = std::move(frame)] {
    if (auto it = locals_[thread].sessions.find(session); it != locals_[thread].sessions.end()) {
      it->second->deliver(frame);
    }
  });
}

void hub::send_to_user_local(std::int64_t user_id, shared_frame frame) {
  delivery d;
  d.frame = std::move(frame);
  d.users = {user_id};
  for (auto t : threads_of_users(d.users)) {
    post(t, d);
  }
}

std::vector<std::string> hub::present_users(const std::string& channel) const {
  std::vector<std::string> out;
  {
    std::lock_guard lock(mutex_);
    if (auto it = channels_.find(channel); it != channels_.end()) {
      for (const auto& [id, user] : it->second.users) {
        out.push_back(user.first);
      }
    }
    remote_.usernames(channel, out);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool hub::present_locally(const std::string& channel, std::int64_t user_id) const {
  auto it = channels_.find(channel);
  return it != channels_.end() && it->second.users.contains(user_id);
}

void hub::remote_presence_changed(const std::string& node, const presence_entry& e, bool present) {
  std::unique_lock lock(mutex_);
  auto changes = remote_.set(node, e, present);
  lock.unlock();
  announce_remote(changes);
}

void hub::remote_presence_replaced(const std::string& node,
                                   const std::vector<presence_entry>& all) {
  std::unique_lock lock(mutex_);
  auto changes = remote_.replace(node, all);
  lock.unlock();
  announce_remote(changes);
}

void hub::remote_node_gone(const std::string& node) {
  remote_presence_replaced(node, {});
}

void hub::announce_remote(const std::vector<remote_presence::change>& changes) {
  for (const auto& c : changes) {
    if (c.entry.channel == online_channel) {
      continue;  // connected, not in a channel: nobody to tell
    }
    {
      std::lock_guard lock(mutex_);
      if (present_locally(c.entry.channel, c.entry.user_id)) {
        continue;
      }
    }
    broadcast_local(c.entry.channel, proto::make_frame(proto::user_event_frame(
                                         c.present ? "user_joined" : "user_left", c.entry.channel,
                                         c.entry.username)));
  }
}

std::vector<presence_entry> hub::local_presence() const {
  std::vector<presence_entry> out;
  std::lock_guard lock(mutex_);
  for (const auto& [channel, entry] : channels_) {
    for (const auto& [id, user] : entry.users) {
      out.push_back({channel, id, user.first});
    }
  }
  for (const auto& [id, user] : user_threads_) {
    out.push_back({online_channel, id, user.username});
  }
  return out;
}

bool hub::is_subscribed(std::size_t thread, const session_sink* session,
                        const std::string& channel) const {
  const auto& local = locals_[thread];
  auto it = local.joined.find(const_cast<session_sink*>(session));
  return it != local.joined.end() &&
         std::find(it->second.begin(), it->second.end(), channel) != it->second.end();
}

void hub::post(std::size_t thread, delivery d) {
  run_on(thread, [this, thread, d = std::move(d)] { deliver_local(thread, d); });
}

void hub::deliver_local(std::size_t thread, const delivery& d) {
  auto& local = locals_[thread];
  std::uint64_t delivered = 0;
  bool ref_done = d.ref_session == 0;
  const auto give = [&](session_sink* s) {
    if (s->session_id() == d.except_session) {
      return;
    }
    const bool is_ref = s->session_id() == d.ref_session;
    ref_done = ref_done || is_ref;
    const auto& frame = is_ref ? d.ref_frame : d.frame;
    if (d.message_id > 0) {
      s->deliver_message(d.channel, d.message_id, frame, d.committed_at);
    } else {
      s->deliver(frame);
    }
    ++delivered;
  };
  if (d.users.empty()) {
    if (auto it = local.channels.find(d.channel); it != local.channels.end()) {
      for (auto* s : it->second) {
        give(s);
      }
    }
  } else {
    for (auto u : d.users) {
      if (auto it = local.users.find(u); it != local.users.end()) {
        for (auto* s : it->second) {
          give(s);
        }
      }
    }
  }
  if (!ref_done) {
    if (auto it = local.sessions.find(d.ref_session); it != local.sessions.end()) {
      give(it->second);
    }
  }
  if (d.message_id > 0) {
    metrics_.deliveries_total.fetch_add(delivered, std::memory_order_relaxed);
  }
}

}  // namespace parley::chat
