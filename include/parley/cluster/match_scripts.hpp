#pragma once

#include <string_view>

namespace parley::cluster {

// The cluster's random-matching queue lives in Redis and is changed only by these scripts, each
// atomic, so two instances can never pair the same user twice. Keys, under the prefix P
// (topics::matching()): the list KEYS[1] = P.."queue" of waiting user ids, first come first;
// P.."seats:<id>", the set of that user's asking sessions (`node|thread|session`, one place in
// the queue however many ask); P.."name:<id>", their username; P.."node:<node>", an instance's
// liveness key, which expires when it stops refreshing it: seats of a dead instance are dropped
// when they come up, so nobody is matched with a ghost.

/// ARGV: P, user id, username, seat. Returns "" when the caller now waits (or already did),
/// else `peer id|peer name` and the peer's live seats, one per line.
inline constexpr std::string_view pair_or_wait_script = R"lua(
local queue, prefix, me, name, seat = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mine = prefix .. 'seats:' .. me
if redis.call('EXISTS', mine) == 1 then
  redis.call('SADD', mine, seat)
  return ''
end
while true do
  local peer = redis.call('LPOP', queue)
  if not peer then break end
  local theirs = prefix .. 'seats:' .. peer
  local live = {}
  for _, s in ipairs(redis.call('SMEMBERS', theirs)) do
    local node = string.match(s, '^(.*)|%d+|%d+$')
    if node and redis.call('EXISTS', prefix .. 'node:' .. node) == 1 then
      live[#live + 1] = s
    end
  end
  local peer_name = redis.call('GET', prefix .. 'name:' .. peer)
  redis.call('DEL', theirs, prefix .. 'name:' .. peer)
  if #live > 0 and peer ~= me and peer_name then
    return peer .. '|' .. peer_name .. '\n' .. table.concat(live, '\n')
  end
end
redis.call('RPUSH', queue, me)
redis.call('SET', prefix .. 'name:' .. me, name)
redis.call('SADD', mine, seat)
return ''
)lua";

/// ARGV: P, user id, seat. The session left; the user leaves the queue with their last seat.
inline constexpr std::string_view leave_seat_script = R"lua(
local mine = ARGV[1] .. 'seats:' .. ARGV[2]
redis.call('SREM', mine, ARGV[3])
if redis.call('EXISTS', mine) == 0 then
  redis.call('LREM', KEYS[1], 0, ARGV[2])
  redis.call('DEL', ARGV[1] .. 'name:' .. ARGV[2])
end
return ''
)lua";

/// ARGV: P, user id. The user leaves the queue (`unmatch`).
inline constexpr std::string_view leave_script = R"lua(
redis.call('DEL', ARGV[1] .. 'seats:' .. ARGV[2], ARGV[1] .. 'name:' .. ARGV[2])
redis.call('LREM', KEYS[1], 0, ARGV[2])
return ''
)lua";

}  // namespace parley::cluster
