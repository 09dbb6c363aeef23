// Text that SQL, JSON or Unicode handling could bend comes back byte for byte, wherever it is
// read: the live frame, HTTP history, WebSocket history and a join-since replay.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
using boost::beast::http::verb;
namespace json = boost::json;

namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

const std::string grinning = "\xF0\x9F\x98\x80";  // U+1F600, four bytes

/// Texts the contract allows (0–4000 code points of valid UTF-8), each a known trap.
const std::vector<std::string>& edge_texts() {
  static const std::vector<std::string> texts = {
      "'; DROP TABLE messages; --",
      "\" OR 1=1 -- ' OR '1'='1",
      "100% of _all_ [x] LIKE '%a_' ESCAPE '\\' back\\slash \\\\ \\n",
      std::string("nul\0inside", 10),
      std::string("\0", 1),
      "\\u0000 written out, \\ud800 too",
      grinning +
          " and a family: \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D"
          "\xF0\x9F\x91\xA7",
      "e\xCC\x81 is not \xC3\xA9; Z\xCC\xB7\xCD\x88\xCC\xA2"
      "a\xCC\xB8",  // combining marks
      "\xE2\x80\xAE"
      "desrever\xE2\x80\xAC and \xE2\x80\x8F"
      "rtl \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D",
      "\xEF\xBB\xBF"
      "starts with U+FEFF",
      "line\xE2\x80\xA8separator\xE2\x80\xA9paragraph",
      "\xF4\x8F\xBF\xBF is U+10FFFF",
      "\xEF\xBF\xBE\xEF\xBF\xBF noncharacters, \xEF\xBF\xBD replacement",
      "\t\r\n\x01\x1F\x7F\xC2\x80\xC2\x9F controls",
      "<script>alert(1)</script>&amp;",
      "   ",
      repeat(grinning, 4000),  // the limit counts code points: 16,000 bytes
  };
  return texts;
}

const json::object& object_of(const json::object& o) {
  return o;
}
const json::object& object_of(const json::value& v) {
  return v.as_object();
}

/// The `text` of each message, in order: of a JSON array (history) or of read_messages().
template <class Messages>
std::vector<std::string> texts_of(const Messages& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    out.push_back(str(object_of(m), "text"));
  }
  return out;
}

}  // namespace

TEST_CASE("text: SQL-special and Unicode-edge text is stored and returned byte-exact") {
  chat_server s;
  auto alice = s.connect("alice");
  auto bob = s.connect("bob");
  REQUIRE(str(alice->request({{"type", "join"}, {"channel", "edge"}}), "type") == "joined");
  REQUIRE(str(bob->request({{"type", "join"}, {"channel", "edge"}}), "type") == "joined");
  const auto& texts = edge_texts();
  for (const auto& text : texts) {
    INFO("text of " << text.size() << " bytes: " << text.substr(0, 80));
    const auto echo = alice->request({{"type", "send"}, {"channel", "edge"}, {"text", text}});
    REQUIRE(str(echo, "type") == "message");
    CHECK(str(echo, "text") == text);
    CHECK(texts_of(read_messages(*bob, "edge", 1)) == std::vector<std::string>{text});
  }

  const auto page = http_call(s.port(), verb::get, "/api/channels/edge/messages?limit=100", "",
                              bearer(s.token("bob")));
  REQUIRE(page.status == 200);
  CHECK(texts_of(page.json().at("messages").as_array()) == texts);

  const auto history = bob->request({{"type", "history"}, {"channel", "edge"}, {"limit", 100}});
  CHECK(texts_of(history.at("messages").as_array()) == texts);

  auto carol = s.connect("carol");
  REQUIRE(str(carol->request({{"type", "join"}, {"channel", "edge"}, {"since", 0}}), "type") ==
          "joined");
  CHECK(texts_of(read_messages(*carol, "edge", texts.size())) == texts);
}

TEST_CASE("text: JSON escapes decode to the code points they name, broken ones are refused") {
  chat_server s;
  auto alice = s.connect("alice");
  REQUIRE(str(alice->request({{"type", "join"}, {"channel", "esc"}}), "type") == "joined");
  // A surrogate pair escaped in JSON is one four-byte character; NUL is an ordinary one.
  alice->send_text(
      R"({"type":"send","channel":"esc","text":"\ud83d\ude00\u0000\u2028","ref":"a"})");
  const auto echo = alice->read_type("message");
  CHECK(str(echo, "text") == grinning + std::string("\0", 1) + "\xE2\x80\xA8");

  // A lone surrogate names no character: storing it would put invalid UTF-8 in every copy.
  for (const char* escaped : {R"(\ud800)", R"(\udc00)", R"(x\ud83dy)", R"(\ude00\ud83d)"}) {
    INFO(escaped);
    alice->send_text(std::string(R"({"type":"send","channel":"esc","text":")") + escaped +
                     R"(","ref":"bad"})");
    check_error(alice->read_type("error"), "bad_request");
  }
  // 4001 code points is one too many, however few bytes each takes.
  check_error(
      alice->request({{"type", "send"}, {"channel", "esc"}, {"text", repeat(grinning, 4001)}}),
      "bad_request");
  check_error(alice->request({{"type", "send"}, {"channel", "esc"}, {"text", repeat("a", 4001)}}),
              "bad_request");

  // Only the first message was stored.
  const auto history = alice->request({{"type", "history"}, {"channel", "esc"}});
  const auto& messages = history.at("messages").as_array();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].at("id").as_int64() == 1);
}

TEST_CASE("names: usernames and channel names outside the rules are refused, edge ones work") {
  chat_server s;
  const auto signup = [&](const std::string& name) {
    return http_call(
        s.port(), verb::post, "/api/signup",
        json::serialize(json::object{{"username", name}, {"password", "correct horse"}}));
  };
  for (const std::string& name : std::vector<std::string>{
           "alice'--", "a%b", "a b", "a/b", std::string("ali\0ce", 6), "admin\n",
           "\xEF\xBD\x81\xEF\xBD\x82\xEF\xBD\x83",  // fullwidth abc
           "\xC4\xB0stanbul", "caf\xC3\xA9",
           "ab\xE2\x80\x8B"
           "c",
           "\xEF\xBB\xBF"
           "bob",
           "bob\xE2\x80\xAE", "x' OR '1'='1"}) {
    INFO("username " << name);
    check_error(signup(name), 400, "invalid_username");
  }
  for (const std::string& name : std::vector<std::string>{"a_b", "a.b-c", "___", "...", "-x-"}) {
    INFO("username " << name);
    CHECK(signup(name).status == 201);
  }
  check_error(http_call(s.port(), verb::post, "/api/login",
                        R"({"username":"x' OR '1'='1","password":"' OR '1'='1"})"),
              401, "invalid_credentials");

  auto c = s.connect("alice");
  for (const std::string& name : std::vector<std::string>{
           "'; DROP TABLE channels; --", "a%", "%", "_%", "caf\xC3\xA9", "", std::string(65, 'c'),
           "a/b", "a\\b", std::string("gen\0eral", 8), "dm:ALICE:bob", "dm:bob:alice", "dm:a:b",
           "match:", "match:x;y", "general\xE2\x80\x8B", " general"}) {
    INFO("channel " << name);
    check_error(c->request({{"type", "join"}, {"channel", name}}), "invalid_channel");
    check_error(c->request({{"type", "create"}, {"channel", name}}), "invalid_channel");
  }
  check_error(c->request({{"type", "create"}, {"channel", "a:b"}}), "invalid_channel");
  // Names that look like paths or patterns are names: ".." is a channel, not a directory.
  for (const std::string& name :
       std::vector<std::string>{"..", ".", "_", "-", std::string(64, 'c')}) {
    INFO("channel " << name);
    REQUIRE(str(c->request({{"type", "join"}, {"channel", name}}), "type") == "joined");
    c->request({{"type", "send"}, {"channel", name}, {"text", "in " + name}});
  }
  const auto dots =
      http_call(s.port(), verb::get, "/api/channels/%2E%2E/messages", "", bearer(s.token("alice")));
  REQUIRE(dots.status == 200);
  const auto body = dots.json();
  const auto& messages = body.at("messages").as_array();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].at("text").as_string() == "in ..");
  CHECK(messages[0].at("channel").as_string() == "..");
}
