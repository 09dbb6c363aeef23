// The cluster's random-matching queue: redis_bus's part that runs the Lua scripts of
// match_scripts.hpp and tells other instances' sessions of their matches.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "parley/cluster/match_scripts.hpp"
#include "parley/cluster/redis_bus.hpp"
#include "parley/log/log.hpp"

namespace parley::cluster {
namespace asio = boost::asio;

// The queue lives on the primary server: one queue, changed atomically, for the whole cluster.

void redis_bus::refresh_liveness() {
  auto& pub = primary().pub;
  if (!pub.ready()) {
    return;
  }
  const auto key = primary().names.matching() + "node:" + node_;
  // A heartbeat shorter than the peer timeout: by the time the others give this instance up,
  // its seats in the matching queue are already dead.
  const auto ttl = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(peer_timeout - heartbeat_interval)
          .count());
  pub.command({"SET", key, "1", "PX", ttl});
}

void redis_bus::run_script(std::string_view script, std::vector<std::string> args) {
  asio::post(ctx_, [this, script, args = std::move(args)] {
    std::vector<std::string_view> command{"EVAL", script, "1"};
    const auto queue = primary().names.matching() + "queue";
    command.push_back(queue);
    const auto prefix = primary().names.matching();
    command.push_back(prefix);
    command.insert(command.end(), args.begin(), args.end());
    if (!primary().pub.command(command, [](std::optional<redis::reply> r) {
          if (!r || r->error) {
            PARLEY_LOG(warn, "redis")
                << "matching queue update failed" << (r ? ": " + r->text : std::string());
          }
        })) {
      PARLEY_LOG(warn, "redis") << "matching queue update lost: Redis is away";
    }
  });
}

asio::awaitable<std::optional<chat::match_candidate>> redis_bus::match(chat::match_candidate me) {
  using result = std::optional<chat::match_candidate>;
  return asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr, result)>(
      [this](auto handler, chat::match_candidate me) {
        auto ex = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto finish = [ex, shared](std::exception_ptr error, result r) {
          asio::post(ex, [shared, error, r = std::move(r)]() mutable {
            std::move (*shared)(error, std::move(r));
          });
        };
        asio::post(ctx_, [this, finish, me = std::move(me)] {
          const auto fail = [finish](const std::string& why) {
            finish(std::make_exception_ptr(std::runtime_error(why)), std::nullopt);
          };
          auto& pub = primary().pub;
          const auto queue = primary().names.matching() + "queue";
          const auto prefix = primary().names.matching();
          const auto id = std::to_string(me.user_id);
          const auto seat = encode_seat(me.seats.at(0));
          const bool sent =
              pub.ready() &&
              pub.command({"EVAL", pair_or_wait_script, "1", queue, prefix, id, me.username, seat},
                          [finish, fail](std::optional<redis::reply> r) {
                            if (!r || r->error) {
                              fail(r ? r->text : "no answer from Redis");
                              return;
                            }
                            auto peer = decode_pairing(r->text);
                            if (!peer) {
                              fail("malformed answer from the matching queue");
                              return;
                            }
                            finish(nullptr, std::move(*peer));
                          });
          if (!sent) {
            fail("Redis is away");
          }
        });
      },
      asio::use_awaitable, std::move(me));
}

void redis_bus::unmatch(std::int64_t user_id) {
  run_script(leave_script, {std::to_string(user_id)});
}

void redis_bus::unmatch_seat(std::int64_t user_id, chat::match_seat seat) {
  run_script(leave_seat_script, {std::to_string(user_id), encode_seat(seat)});
}

void redis_bus::announce_match(const chat::match_candidate& user, const model::channel_row& channel,
                               const std::string& peer) {
  std::vector<chat::match_seat> elsewhere;
  for (const auto& seat : user.seats) {
    if (seat.node == node_) {
      hub_.deliver_match(seat.thread, seat.session, channel, peer);
    } else {
      elsewhere.push_back(seat);
    }
  }
  std::sort(elsewhere.begin(), elsewhere.end(),
            [](const auto& a, const auto& b) { return a.node < b.node; });
  for (auto first = elsewhere.begin(); first != elsewhere.end();) {
    auto last =
        std::find_if(first, elsewhere.end(), [&](const auto& s) { return s.node != first->node; });
    auto e = stamped(envelope::kind::matched);
    e.user_id = user.user_id;
    e.channel = channel.name;
    e.channel_id = channel.id;
    e.peer = peer;
    e.target = first->node;
    e.seats.assign(first, last);
    publish_to_user(user.user_id, encode(e));
    first = last;
  }
}

}  // namespace parley::cluster
