#include <catch2/catch.hpp>

#include "parley/proto/client_frame.hpp"

using namespace parley;
using namespace parley::proto;

namespace {
error::code error_of(std::string_view text) {
  const auto f = parse_client_frame(text);
  REQUIRE(std::holds_alternative<frame_error>(f.result));
  return std::get<frame_error>(f.result).code;
}
template <class T>
T command_of(std::string_view text) {
  const auto f = parse_client_frame(text);
  REQUIRE(std::holds_alternative<command>(f.result));
  REQUIRE(std::holds_alternative<T>(std::get<command>(f.result)));
  return std::get<T>(std::get<command>(f.result));
}
}  // namespace

TEST_CASE("every frame type parses with its fields") {
  auto j = command_of<join_cmd>(R"({"type":"join","channel":"general","since":41})");
  CHECK(j.channel == "general");
  CHECK(j.since == 41);
  CHECK_FALSE(command_of<join_cmd>(R"({"type":"join","channel":"g"})").since);
  CHECK(command_of<leave_cmd>(R"({"type":"leave","channel":"g"})").channel == "g");
  CHECK(command_of<create_cmd>(R"({"type":"create","channel":"p","private":true})").is_private);
  CHECK_FALSE(command_of<create_cmd>(R"({"type":"create","channel":"p"})").is_private);
  CHECK(command_of<invite_cmd>(R"({"type":"invite","channel":"p","user":"bob"})").user == "bob");
  auto s = command_of<send_cmd>(R"({"type":"send","channel":"g","text":"hi"})");
  CHECK(s.channel == "g");
  CHECK(s.to.empty());
  s = command_of<send_cmd>(R"({"type":"send","to":"bob","text":"hi"})");
  CHECK(s.to == "bob");
  auto h = command_of<history_cmd>(R"({"type":"history","channel":"g","before":10,"limit":5})");
  CHECK(h.before == 10);
  CHECK(h.limit == 5);
  CHECK(command_of<history_cmd>(R"({"type":"history","channel":"g"})").limit == 50);
  CHECK(command_of<seen_cmd>(R"({"type":"seen","channel":"g","id":3})").id == 3);
  command_of<typing_cmd>(R"({"type":"typing","channel":"g"})");
  command_of<presence_cmd>(R"({"type":"presence","channel":"dm:alice:bob"})");
  command_of<channels_cmd>(R"({"type":"channels"})");
  command_of<ping_cmd>(R"({"type":"ping"})");
}

TEST_CASE("ref is carried through, also on errors") {
  auto f = parse_client_frame(R"({"type":"ping","ref":"abc"})");
  CHECK(f.ref == "abc");
  CHECK(f.type == "ping");
  f = parse_client_frame(R"({"type":"nope","ref":"r2"})");
  CHECK(f.ref == "r2");
  CHECK(std::get<frame_error>(f.result).code == error::code::unknown_type);
}

TEST_CASE("bad frames map to the contract's codes") {
  CHECK(error_of("") == error::code::bad_request);
  CHECK(error_of("null") == error::code::bad_request);
  CHECK(error_of(R"(["type"])") == error::code::bad_request);
  CHECK(error_of(R"({"ref":"x"})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"ping","ref":1})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"ping","ref":")" + std::string(65, 'x') + "\"}") ==
        error::code::bad_request);
  CHECK(error_of(R"({"type":"PING"})") == error::code::unknown_type);
  CHECK(error_of(R"({"type":"join"})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"join","channel":""})") == error::code::invalid_channel);
  CHECK(error_of(R"({"type":"join","channel":"a b"})") == error::code::invalid_channel);
  CHECK(error_of(R"({"type":"join","channel":"dm:bob:alice"})") == error::code::invalid_channel);
  CHECK(error_of(R"({"type":"join","channel":"x:y"})") == error::code::invalid_channel);
  CHECK(error_of(R"({"type":"join","channel":"g","since":-1})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"join","channel":"g","since":1.5})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"join","channel":"g","since":9007199254740992})") ==
        error::code::bad_request);
  CHECK(error_of(R"({"type":"create","channel":"dm:a:b"})") == error::code::invalid_channel);
  CHECK(error_of(R"({"type":"send","text":"x"})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"send","channel":"g","to":"bob","text":"x"})") ==
        error::code::bad_request);
  CHECK(error_of(R"({"type":"send","channel":"g","text":""})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"send","channel":"g","text":")" + std::string(4001, 'x') + "\"}") ==
        error::code::bad_request);
  CHECK(error_of(R"({"type":"send","channel":"g"})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"history","channel":"g","limit":101})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"seen","channel":"g","id":"1"})") == error::code::bad_request);
  CHECK(error_of(R"({"type":"invite","channel":"g"})") == error::code::bad_request);
}

// Found by fuzz_client_frame: `"to":""` parsed as a send with neither channel nor recipient,
// which the session then treated as a send to the channel "" and answered not_joined.
TEST_CASE("send to a name that cannot be a user is unknown_user") {
  CHECK(error_of(R"({"type":"send","to":"","text":"x"})") == error::code::unknown_user);
  CHECK(error_of(R"({"type":"send","to":"a b","text":"x"})") == error::code::unknown_user);
  CHECK(error_of(R"({"type":"send","to":"bo","text":"x"})") == error::code::unknown_user);
  CHECK(error_of(R"({"type":"send","to":1,"text":"x"})") == error::code::bad_request);
  CHECK(command_of<send_cmd>(R"({"type":"send","to":"Bob","text":"x"})").to == "Bob");
}
