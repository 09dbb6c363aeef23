#include <catch2/catch.hpp>

#include "parley/chat/match_queue.hpp"

using namespace parley::chat;

namespace {

match_seat seat(std::uint64_t session) {
  return {"", 0, session};
}

}  // namespace

TEST_CASE("match queue: first come, first matched, the pair leaves the queue") {
  match_queue q;
  CHECK_FALSE(q.pair_or_wait(1, "ann", seat(11)));
  CHECK_FALSE(q.pair_or_wait(1, "ann", seat(11)));  // asking again: one place
  CHECK_FALSE(q.pair_or_wait(1, "ann", seat(12)));  // another session: a seat of that place
  CHECK(q.waiting() == 1);
  const auto peer = q.pair_or_wait(2, "bob", seat(21));
  REQUIRE(peer);
  CHECK(peer->user_id == 1);
  CHECK(peer->username == "ann");
  CHECK(peer->seats == std::vector<match_seat>{seat(11), seat(12)});
  CHECK(q.waiting() == 0);
  CHECK_FALSE(q.pair_or_wait(3, "cy", seat(31)));
  CHECK(q.pair_or_wait(4, "di", seat(41))->user_id == 3);
  CHECK(q.waiting() == 0);
}

TEST_CASE("match queue: leaving by unmatch or by the last seat going away") {
  match_queue q;
  q.pair_or_wait(1, "ann", seat(11));
  q.pair_or_wait(1, "ann", seat(12));
  q.leave_seat(1, seat(11));
  CHECK(q.waiting() == 1);
  q.leave_seat(1, seat(12));
  CHECK(q.waiting() == 0);
  q.pair_or_wait(2, "bob", seat(21));
  CHECK(q.leave(2));
  CHECK_FALSE(q.leave(2));
  q.leave_seat(9, seat(99));                       // not queued: nothing happens
  CHECK_FALSE(q.pair_or_wait(3, "cy", seat(31)));  // nobody left to pair with
}
