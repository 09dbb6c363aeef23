#include "parley/cluster/delivery_order.hpp"

#include <limits>

#include "parley/store/channels.hpp"

namespace parley::cluster {
namespace {

/// Messages read per query while filling a gap.
constexpr int fill_chunk = 500;

}  // namespace

void delivery_order::activate(store::database& db, const std::string& channel) {
  const auto row = store::find_channel(db, channel);
  if (!row) {
    return;
  }
  channels_[channel] = position{row->id, store::last_message_id(db, row->id)};
}

void delivery_order::deactivate(const std::string& channel) {
  channels_.erase(channel);
}

void delivery_order::offer(store::database& db, const chat::outgoing_message& m) {
  auto it = channels_.find(m.channel);
  if (it == channels_.end()) {
    deliver_(m);
    return;
  }
  auto& p = it->second;
  if (m.id <= p.delivered_up_to) {
    return;
  }
  fill(db, m.channel, p, m.id);
  deliver_(m);
  p.delivered_up_to = m.id;
}

void delivery_order::catch_up(store::database& db) {
  for (auto& [channel, p] : channels_) {
    fill(db, channel, p, std::numeric_limits<std::int64_t>::max());
  }
}

void delivery_order::catch_up(store::database& db, const std::string& channel) {
  if (auto it = channels_.find(channel); it != channels_.end()) {
    fill(db, channel, it->second, std::numeric_limits<std::int64_t>::max());
  }
}

void delivery_order::fill(store::database& db, const std::string& channel, position& p,
                          std::int64_t before) {
  while (p.delivered_up_to + 1 < before) {
    const auto missing = before - p.delivered_up_to - 1;
    const auto chunk =
        store::read_after(db, p.channel_id, p.delivered_up_to,
                          static_cast<int>(std::min<std::int64_t>(missing, fill_chunk)));
    for (const auto& s : chunk) {
      if (s.id >= before) {
        return;
      }
      chat::outgoing_message m;
      m.channel = channel;
      m.channel_id = p.channel_id;
      m.id = s.id;
      m.from = s.from;
      m.text = s.text;
      m.ts_ms = s.ts_ms;
      m.attachments = s.attachments;
      deliver_(m);
      p.delivered_up_to = s.id;
    }
    if (chunk.size() < static_cast<std::size_t>(fill_chunk)) {
      return;
    }
  }
}

}  // namespace parley::cluster
