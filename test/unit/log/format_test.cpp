#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "parley/log/format.hpp"

using namespace parley::log;

namespace {

std::string line_of(format f, std::string_view message, const std::vector<field>& fields) {
  return format_line(f, {.time = "2026-12-01T10:00:00.123Z",
                         .lvl = level::warn,
                         .component = "server",
                         .message = message,
                         .instance = "node-1",
                         .fields = &fields});
}

boost::json::object json_of(std::string_view message, const std::vector<field>& fields) {
  const auto text = line_of(format::json, message, fields);
  REQUIRE(text.back() == '\n');
  // One line: whatever the message holds, the newline only ends the record.
  REQUIRE(text.find('\n') == text.size() - 1);
  return boost::json::parse(text).as_object();
}

std::string text(const boost::json::value& v) {
  return std::string(v.as_string());
}

}  // namespace

TEST_CASE("text lines: today's format with fields appended as key=value") {
  CHECK(line_of(format::text, "listening on 127.0.0.1:80", {}) ==
        "2026-12-01T10:00:00.123Z warn server: listening on 127.0.0.1:80\n");
  CHECK(line_of(format::text, "up", {{"port", std::int64_t{80}}, {"tls", true}, {"host", "h"}}) ==
        "2026-12-01T10:00:00.123Z warn server: up port=80 tls=true host=h\n");
  // A value that would not read back as one word is quoted.
  CHECK(line_of(format::text, "up", {{"who", "a b"}, {"empty", ""}}) ==
        "2026-12-01T10:00:00.123Z warn server: up who=\"a b\" empty=\"\"\n");
}

TEST_CASE("json lines: time, level, component, message and fields with the instance") {
  const auto o = json_of("listening on 127.0.0.1:80",
                         {{"port", std::int64_t{80}}, {"tls", false}, {"address", "127.0.0.1"}});
  CHECK(o.size() == 5);
  CHECK(text(o.at("time")) == "2026-12-01T10:00:00.123Z");
  CHECK(text(o.at("level")) == "warn");
  CHECK(text(o.at("component")) == "server");
  CHECK(text(o.at("message")) == "listening on 127.0.0.1:80");
  const auto& fields = o.at("fields").as_object();
  CHECK(text(fields.at("instance")) == "node-1");
  CHECK(fields.at("port").as_int64() == 80);
  CHECK(fields.at("tls").as_bool() == false);
  CHECK(text(fields.at("address")) == "127.0.0.1");
  CHECK(json_of("x", {}).at("fields").as_object().size() == 1);
}

TEST_CASE("json lines stay valid JSON for any bytes in the message and fields") {
  const std::string controls = std::string("q\"b\\n\nr\rt\t") + '\0' + "\x01\x1f\x7f";
  const auto o = json_of(controls, {{"k\"ey", controls}});
  CHECK(text(o.at("message")) == controls);
  CHECK(text(o.at("fields").as_object().at("k\"ey")) == controls);

  // Valid UTF-8 passes through; each invalid byte becomes U+FFFD.
  CHECK(text(json_of("caf\xc3\xa9 \xf0\x9f\x98\x80", {}).at("message")) ==
        "caf\xc3\xa9 \xf0\x9f\x98\x80");
  const std::string fffd = "\xef\xbf\xbd";
  const std::string stray = std::string("a") + '\xff' + "b";
  CHECK(text(json_of(stray, {}).at("message")) == "a" + fffd + "b");
  CHECK(text(json_of("\xc0\xaf", {}).at("message")) == fffd + fffd);             // overlong '/'
  CHECK(text(json_of("\xed\xa0\x80", {}).at("message")) == fffd + fffd + fffd);  // a surrogate
  CHECK(text(json_of("\xf4\x90\x80\x80", {}).at("message")) == fffd + fffd + fffd + fffd);
  CHECK(text(json_of("end\xe2\x82", {}).at("message")) == "end" + fffd + fffd);  // truncated
}

TEST_CASE("log formats parse from their names only") {
  CHECK(parse_format("text") == format::text);
  CHECK(parse_format("json") == format::json);
  CHECK_FALSE(parse_format("Json"));
  CHECK_FALSE(parse_format(""));
}
