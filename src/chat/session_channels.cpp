#include "parley/chat/session_channels.hpp"

#include <algorithm>

namespace parley::chat {

std::optional<std::int64_t> session_channels::channel_id(const std::string& channel) const {
  const auto it = channels_.find(channel);
  if (it == channels_.end()) {
    return std::nullopt;
  }
  return it->second.channel_id;
}

void session_channels::subscribe(const std::string& channel, std::int64_t channel_id,
                                 std::optional<std::int64_t> since) {
  auto& state = channels_[channel];
  state = channel_state{};
  state.channel_id = channel_id;
  state.holding = true;
  state.delivered_up_to = since.value_or(0);
}

void session_channels::unsubscribe(const std::string& channel) {
  channels_.erase(channel);
}

bool session_channels::on_live(const std::string& channel, std::int64_t id,
                               const proto::shared_frame& frame) {
  const auto it = channels_.find(channel);
  if (it == channels_.end()) {
    return true;
  }
  auto& state = it->second;
  if (state.first_live_id == 0) {
    state.first_live_id = id;
  }
  if (state.holding) {
    state.held.emplace_back(id, frame);
    return false;
  }
  if (id <= state.delivered_up_to) {
    return false;
  }
  state.delivered_up_to = id;
  return true;
}

std::vector<proto::shared_frame> session_channels::release(const std::string& channel) {
  const auto it = channels_.find(channel);
  if (it == channels_.end() || !it->second.holding) {
    return {};
  }
  return release_held(it->second, 0);
}

session_channels::replay_cursor session_channels::start_replay(const std::string& channel,
                                                               std::int64_t since, bool newly) {
  auto& state = channels_.at(channel);
  state.holding = true;
  return {since, newly ? 0 : state.first_live_id, false};
}

std::size_t session_channels::accept_page(const std::string& channel, replay_cursor& cursor,
                                          const std::vector<model::stored_message>& page,
                                          std::size_t page_limit) const {
  if (const auto it = channels_.find(channel); cursor.stop_before == 0 && it != channels_.end()) {
    cursor.stop_before = it->second.first_live_id;  // 0 while nothing came live
  }
  cursor.done = page.size() < page_limit;
  std::size_t taken = 0;
  for (const auto& m : page) {
    if (cursor.stop_before != 0 && m.id >= cursor.stop_before) {
      cursor.done = true;
      break;
    }
    cursor.after = m.id;
    ++taken;
  }
  return taken;
}

std::vector<proto::shared_frame> session_channels::finish_replay(const std::string& channel,
                                                                 const replay_cursor& cursor) {
  const auto it = channels_.find(channel);
  if (it == channels_.end() || !it->second.holding) {
    return {};
  }
  return release_held(it->second, cursor.after);
}

std::vector<proto::shared_frame> session_channels::release_held(channel_state& state,
                                                                std::int64_t sent_up_to) {
  state.holding = false;
  state.delivered_up_to = std::max(state.delivered_up_to, sent_up_to);
  std::vector<proto::shared_frame> out;
  for (auto& [id, frame] : state.held) {
    if (id > state.delivered_up_to) {
      state.delivered_up_to = id;
      out.push_back(std::move(frame));
    }
  }
  state.held.clear();
  return out;
}

}  // namespace parley::chat
