#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "parley/chat/session_channels.hpp"

using parley::chat::session_channels;
using parley::model::stored_message;
using parley::proto::make_frame;
using parley::proto::shared_frame;

namespace {

shared_frame frame_of(std::int64_t id) {
  return make_frame("m" + std::to_string(id));
}

std::vector<std::string> texts(const std::vector<shared_frame>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames) {
    out.push_back(*f);
  }
  return out;
}

std::vector<stored_message> stored(std::int64_t first, std::int64_t last) {
  std::vector<stored_message> out;
  for (auto id = first; id <= last; ++id) {
    out.push_back({id, "alice", "text", 0});
  }
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("a join holds live messages until released, then sends each id once", "[session]") {
  session_channels s;
  s.subscribe("general", 7, std::nullopt);
  CHECK(s.joined("general"));
  CHECK(s.channel_id("general") == 7);
  CHECK_FALSE(s.on_live("general", 5, frame_of(5)));  // held: `joined` is not out yet
  CHECK_FALSE(s.on_live("general", 6, frame_of(6)));
  CHECK(texts(s.release("general")) == strings{"m5", "m6"});
  CHECK(s.release("general").empty());  // released once
  CHECK(s.on_live("general", 7, frame_of(7)));
  CHECK_FALSE(s.on_live("general", 7, frame_of(7)));  // a duplicate
  CHECK_FALSE(s.on_live("general", 6, frame_of(6)));  // already sent
}

TEST_CASE("a resume replays what is stored after since, then only newer live messages",
          "[session]") {
  session_channels s;
  s.subscribe("general", 1, 3);
  // Live messages arrive while the replay reads the store; 6 is also among the stored ones:
  // its live copy goes out (the sender's carries its ref), the replay stops before it.
  CHECK_FALSE(s.on_live("general", 6, frame_of(6)));
  CHECK_FALSE(s.on_live("general", 7, frame_of(7)));
  auto cursor = s.start_replay("general", 3, true);
  CHECK(cursor.after == 3);
  const auto page = stored(4, 6);
  CHECK(s.accept_page("general", cursor, page, 500) == 2);
  CHECK(cursor.after == 5);
  CHECK(cursor.done);
  CHECK(texts(s.finish_replay("general", cursor)) == strings{"m6", "m7"});
  CHECK(s.on_live("general", 8, frame_of(8)));
}

TEST_CASE("a replay reads page after page until a short one", "[session]") {
  session_channels s;
  s.subscribe("general", 1, 0);
  auto cursor = s.start_replay("general", 0, true);
  CHECK(s.accept_page("general", cursor, stored(1, 2), 2) == 2);
  CHECK_FALSE(cursor.done);
  CHECK(cursor.after == 2);
  CHECK(s.accept_page("general", cursor, stored(3, 4), 2) == 2);
  CHECK_FALSE(cursor.done);
  CHECK(s.accept_page("general", cursor, {}, 2) == 0);
  CHECK(cursor.done);
  CHECK(cursor.after == 4);
  CHECK(s.finish_replay("general", cursor).empty());
}

TEST_CASE("since beyond the newest stored id replays nothing and loses no live message",
          "[session]") {
  session_channels s;
  s.subscribe("general", 1, 10);
  CHECK_FALSE(s.on_live("general", 9, frame_of(9)));  // the client has it already
  CHECK_FALSE(s.on_live("general", 11, frame_of(11)));
  auto cursor = s.start_replay("general", 10, true);
  CHECK(s.accept_page("general", cursor, {}, 500) == 0);
  CHECK(texts(s.finish_replay("general", cursor)) == strings{"m11"});
}

TEST_CASE("a second join with since while joined stops where live delivery began", "[session]") {
  session_channels s;
  s.subscribe("general", 1, std::nullopt);
  CHECK(s.release("general").empty());
  CHECK(s.on_live("general", 10, frame_of(10)));  // first live id of this subscription
  CHECK(s.on_live("general", 11, frame_of(11)));
  auto cursor = s.start_replay("general", 5, false);
  CHECK(cursor.stop_before == 10);
  CHECK_FALSE(s.on_live("general", 12, frame_of(12)));  // held during the replay
  const auto page = stored(6, 11);
  CHECK(s.accept_page("general", cursor, page, 500) == 4);  // 6..9: 10 and 11 were sent live
  CHECK(cursor.done);
  CHECK(cursor.after == 9);
  CHECK(texts(s.finish_replay("general", cursor)) == strings{"m12"});
  CHECK_FALSE(s.on_live("general", 11, frame_of(11)));
}

TEST_CASE("ids delivered again by a cluster gap-fill are dropped", "[session]") {
  session_channels s;
  s.subscribe("general", 1, std::nullopt);
  CHECK(s.release("general").empty());
  CHECK(s.on_live("general", 4, frame_of(4)));
  CHECK(s.on_live("general", 5, frame_of(5)));
  CHECK_FALSE(s.on_live("general", 4, frame_of(4)));
  CHECK_FALSE(s.on_live("general", 5, frame_of(5)));
  CHECK(s.on_live("general", 6, frame_of(6)));
}

TEST_CASE("held messages that a gap-fill repeats go out once, in order", "[session]") {
  session_channels s;
  s.subscribe("general", 1, 2);
  for (const std::int64_t id : {3, 4, 4, 3, 5}) {
    CHECK_FALSE(s.on_live("general", id, frame_of(id)));
  }
  CHECK(texts(s.release("general")) == strings{"m3", "m4", "m5"});
}

TEST_CASE("messages of channels the session has not joined go straight out", "[session]") {
  session_channels s;
  CHECK(s.on_live("dm:alice:bob", 1, frame_of(1)));
  CHECK(s.on_live("dm:alice:bob", 1, frame_of(1)));  // no state kept for it
  s.subscribe("general", 1, std::nullopt);
  s.unsubscribe("general");
  CHECK_FALSE(s.joined("general"));
  CHECK_FALSE(s.channel_id("general"));
  CHECK(s.release("general").empty());
}

TEST_CASE("leaving and joining again starts a fresh subscription", "[session]") {
  session_channels s;
  s.subscribe("general", 1, std::nullopt);
  CHECK(s.release("general").empty());
  CHECK(s.on_live("general", 9, frame_of(9)));
  s.unsubscribe("general");
  s.subscribe("general", 1, 4);
  CHECK_FALSE(s.on_live("general", 10, frame_of(10)));
  auto cursor = s.start_replay("general", 4, true);
  CHECK(cursor.stop_before == 0);
  CHECK(s.accept_page("general", cursor, stored(5, 10), 500) == 5);
  CHECK(texts(s.finish_replay("general", cursor)) == strings{"m10"});
}

TEST_CASE("a message committed between two replay reads goes out live, once, with its ref",
          "[session]") {
  session_channels s;
  s.subscribe("general", 1, 0);
  auto cursor = s.start_replay("general", 0, true);
  CHECK(s.accept_page("general", cursor, stored(1, 2), 2) == 2);
  CHECK_FALSE(cursor.done);
  // The session's own message 3 is committed and delivered live before the next read...
  CHECK_FALSE(s.on_live("general", 3, make_frame("m3 with ref")));
  // ...which finds it stored: the replay stops, and the live copy is the one sent.
  CHECK(s.accept_page("general", cursor, stored(3, 3), 2) == 0);
  CHECK(cursor.done);
  CHECK(texts(s.finish_replay("general", cursor)) == strings{"m3 with ref"});
  CHECK_FALSE(s.on_live("general", 3, frame_of(3)));
}
