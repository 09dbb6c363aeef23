// What this instance tells the others: redis_bus's part that encodes envelopes and publishes
// them on the topic's server (publishing happens on the bus thread; callers only queue).
#include <boost/asio/post.hpp>

#include "parley/cluster/redis_bus.hpp"

namespace parley::cluster {
namespace asio = boost::asio;

namespace {

/// Publishes waiting for Redis beyond this are dropped (counted) rather than buffered.
constexpr std::size_t max_in_flight = 200000;

}  // namespace

void redis_bus::publish(shard& s, const std::string& topic, const std::string& payload) {
  const auto failed = [this, &s] {
    s.state.publish_failed();
    metrics_.redis_publish_failures_total.fetch_add(1, std::memory_order_relaxed);
  };
  if (!s.pub.ready() || s.pub.in_flight() >= max_in_flight ||
      !s.pub.command({"PUBLISH", topic, payload}, [failed](std::optional<redis::reply> r) {
        if (!r || r->error) {
          failed();
        }
      })) {
    failed();
  }
}

void redis_bus::publish_later(std::size_t shard_index, std::string topic, std::string payload) {
  asio::post(ctx_, [this, shard_index, topic = std::move(topic), payload = std::move(payload)] {
    publish(*shards_[shard_index], topic, payload);
  });
}

void redis_bus::publish_to_channel(const std::string& channel, std::string payload) {
  const auto i = channel_shard(channel);
  publish_later(i, shards_[i]->names.channel(channel), std::move(payload));
}

void redis_bus::publish_to_user(std::int64_t user_id, std::string payload) {
  const auto i = user_shard(user_id);
  publish_later(i, shards_[i]->names.user(user_id), std::move(payload));
}

void redis_bus::publish_to_cluster(std::string payload) {
  publish_later(0, shards_.front()->names.cluster(), std::move(payload));
}

void redis_bus::presence_changed(const chat::presence_entry& entry, bool present) {
  auto e = stamped(envelope::kind::presence);
  e.entry = entry;
  e.present = present;
  publish_to_cluster(encode(e));
}

void redis_bus::channel_frame(const std::string& channel, const chat::shared_frame& frame) {
  auto e = stamped(envelope::kind::channel_frame);
  e.channel = channel;
  e.frame = *frame;
  publish_to_channel(channel, encode(e));
}

void redis_bus::user_frame(std::int64_t user_id, const chat::shared_frame& frame) {
  auto e = stamped(envelope::kind::user_frame);
  e.user_id = user_id;
  e.frame = *frame;
  publish_to_user(user_id, encode(e));
}

void redis_bus::membership_ended(std::int64_t user_id, const std::string& channel) {
  auto e = stamped(envelope::kind::forget);
  e.user_id = user_id;
  e.channel = channel;
  publish_to_cluster(encode(e));
}

void redis_bus::token_revoked(const std::string& jti, std::int64_t expires_at) {
  auto e = stamped(envelope::kind::revoke);
  e.jti = jti;
  e.expires_at = expires_at;
  publish_to_cluster(encode(e));
}

void redis_bus::committed(store::database& db, const std::vector<chat::outgoing_message>& batch) {
  struct outgoing {
    std::size_t shard;
    std::string topic;
    std::string payload;
  };
  std::vector<outgoing> out;
  out.reserve(batch.size());
  auto e = stamped(envelope::kind::message);
  const auto to_user = [&](std::int64_t user_id) {
    e.user_id = user_id;
    const auto i = user_shard(user_id);
    out.push_back({i, shards_[i]->names.user(user_id), encode(e)});
  };
  for (const auto& m : batch) {
    e.message = m;
    if (m.direct) {
      hub_.publish(m);
      to_user(m.dm_user_a);
      if (m.dm_user_b != m.dm_user_a) {
        to_user(m.dm_user_b);
      }
    } else {
      order_.offer(db, m);
      const auto i = channel_shard(m.channel);
      out.push_back({i, shards_[i]->names.channel(m.channel), encode(e)});
    }
  }
  asio::post(ctx_, [this, out = std::move(out)] {
    for (const auto& o : out) {
      publish(*shards_[o.shard], o.topic, o.payload);
    }
  });
}

}  // namespace parley::cluster
