#include <catch2/catch.hpp>

#include "parley/bench/resume.hpp"

using namespace parley::bench;
using verdict = delivery_ledger::verdict;

TEST_CASE("reconnect waits double from 50 ms to at most 1 s and start over after a success") {
  auto b = reconnect_backoff();
  std::vector<long> waits;
  for (int i = 0; i < 8; ++i) {
    waits.push_back(static_cast<long>(b.next().count()));
  }
  CHECK(waits == std::vector<long>{50, 100, 200, 400, 800, 1000, 1000, 1000});
  b.reset();
  CHECK(b.next().count() == 50);
}

TEST_CASE("a ledger counts messages in order once and resumes after the last id") {
  delivery_ledger l(2);
  l.start_after(40);
  CHECK(l.last_id() == 40);
  CHECK(l.record({41, 0, 0}) == verdict::fresh);
  CHECK(l.record({42, 1, 0}) == verdict::fresh);
  CHECK(l.record({43, 0, 1}) == verdict::fresh);
  CHECK(l.last_id() == 43);
  CHECK(l.received() == 3);
  CHECK(l.missing(0, 2) == 0);
  CHECK(l.missing(1, 3) == 2);
}

TEST_CASE("a message stored twice (its acknowledgement lost) is a duplicate, not a delivery") {
  delivery_ledger l(1);
  CHECK(l.record({1, 0, 0}) == verdict::fresh);
  CHECK(l.record({2, 0, 1}) == verdict::fresh);
  // The publisher resent 1 after a reconnect: same text, a new id.
  CHECK(l.record({3, 0, 1}) == verdict::duplicated);
  CHECK(l.record({4, 0, 2}) == verdict::fresh);
  CHECK(l.received() == 3);
  CHECK(l.missing(0, 3) == 0);
  CHECK(l.last_id() == 4);
}

TEST_CASE("a replayed id the subscriber already has is a duplicate") {
  delivery_ledger l(1);
  CHECK(l.record({5, 0, 0}) == verdict::fresh);
  CHECK(l.record({6, 0, 1}) == verdict::fresh);
  CHECK(l.record({6, 0, 1}) == verdict::duplicated);
  CHECK(l.record({5, 0, 0}) == verdict::duplicated);
  CHECK(l.received() == 2);
}

TEST_CASE("a skipped number is missing until it comes, and then it is out of order") {
  delivery_ledger l(1);
  CHECK(l.record({1, 0, 0}) == verdict::fresh);
  CHECK(l.record({2, 0, 3}) == verdict::fresh);  // 1 and 2 skipped
  CHECK(l.missing(0, 4) == 2);
  CHECK(l.record({3, 0, 2}) == verdict::out_of_order);
  CHECK(l.missing(0, 4) == 1);
  CHECK(l.record({4, 0, 2}) == verdict::duplicated);
  CHECK(l.record({5, 0, 1}) == verdict::out_of_order);
  CHECK(l.record({6, 0, 1}) == verdict::duplicated);
  CHECK(l.missing(0, 4) == 0);
  CHECK(l.received() == 4);
}

TEST_CASE("a new message with an id below one already seen is out of order") {
  delivery_ledger l(2);
  CHECK(l.record({10, 0, 0}) == verdict::fresh);
  CHECK(l.record({9, 1, 0}) == verdict::out_of_order);
  CHECK(l.last_id() == 10);
  CHECK(l.received() == 2);
}

TEST_CASE("a send window resends only what has no acknowledgement, oldest first") {
  send_window w;
  for (std::int64_t seq = 0; seq < 5; ++seq) {
    w.sent(seq, "m" + std::to_string(seq));
  }
  w.acknowledged(1);
  REQUIRE(w.outstanding() == 3);
  CHECK(w.unacked().front().seq == 2);
  CHECK(w.unacked().front().frame == "m2");
  w.acknowledged(1);  // a catch-up may show again what was acknowledged
  CHECK(w.outstanding() == 3);
  w.acknowledged(4);
  CHECK(w.outstanding() == 0);
}

TEST_CASE("fanout frames yield their channel id and the publisher's number") {
  const std::string_view frame =
      R"({"type":"message","channel":"bench-fanout-0","id":42,"from":"bench-1","text":"p3:17:123456","ts":1})";
  std::int64_t id = 0;
  CHECK(parse_message_id(frame, id));
  CHECK(id == 42);
  unsigned pub = 0;
  std::int64_t seq = 0;
  std::int64_t ns = 0;
  REQUIRE(parse_payload(frame, pub, seq, ns));
  CHECK(pub == 3);
  CHECK(seq == 17);
  CHECK(ns == 123456);
  std::int64_t none = -1;
  CHECK_FALSE(
      parse_message_id(R"({"type":"history","channel":"c","messages":[],"has_more":false})", none));
  CHECK(none == -1);
  CHECK_FALSE(parse_payload(R"({"type":"message","id":1,"text":"hello"})", pub, seq, ns));
}
