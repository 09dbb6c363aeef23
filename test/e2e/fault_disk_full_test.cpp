// Fault: the disk under the database fills up while the server runs. A small tmpfs holds the
// database (a real filesystem that answers ENOSPC; a read-only file does not stop a handle that is
// already open), and a filler file fills it and, once removed, clears the fault.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <numeric>
#include <string>

#include "support/chat_server.hpp"
#include "support/frames.hpp"
#include "support/history.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/tmpfs_mount.hpp"

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

std::vector<std::string> texts_of(const std::vector<json::object>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    out.push_back(str(m, "text"));
  }
  return out;
}

}  // namespace

TEST_CASE("fault: a full disk under the database fails sends with internal, then recovers") {
  temp_dir mount_dir;
  // 4 MiB: the migrated database and its WAL fit with room to spare until the filler comes.
  tmpfs_mount disk(mount_dir / "db", 4 * 1024 * 1024);
  if (!disk.ok()) {
    WARN("skipped: cannot mount a tmpfs here (" << disk.error() << "); needs root");
    return;
  }
  chat_server s({"--db", (disk.path() / "parley.db").string(), "--rate-limit", "0"});
  auto alice = s.connect("alice");
  auto bob = s.connect("bob");
  auto carol = s.connect("carol");  // in no channel: a session the fault must not touch
  for (auto* c : {alice.get(), bob.get()}) {
    REQUIRE(str(c->request({{"type", "join"}, {"channel", "ops"}}), "type") == "joined");
  }
  std::vector<std::string> expected;
  for (int i = 1; i <= 10; ++i) {
    const auto echo = alice->request(
        {{"type", "send"}, {"channel", "ops"}, {"text", "before " + std::to_string(i)}});
    REQUIRE(str(echo, "type") == "message");
    REQUIRE(echo.at("id").as_int64() == i);
    expected.push_back("before " + std::to_string(i));
  }
  REQUIRE(ids_of(read_messages(*bob, "ops", 10)).back() == 10);

  const auto filled = disk.fill();
  INFO("filler bytes: " << filled);
  // Every send during the fault is refused with its ref, none is acknowledged.
  for (int i = 0; i < 20; ++i) {
    const auto reply = alice->request(
        {{"type", "send"}, {"channel", "ops"}, {"text", "during " + std::to_string(i)}});
    check_error(reply, "internal");
  }
  CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
  CHECK(str(bob->request({{"type", "ping"}}), "type") == "pong");
  CHECK(str(carol->request({{"type", "ping"}}), "type") == "pong");
  CHECK(!bob->try_read(300ms).has_value());  // nothing unstored was delivered

  disk.clear();
  // The very next send succeeds, with the id after the last stored one: no restart, no gap.
  const auto after = alice->request({{"type", "send"}, {"channel", "ops"}, {"text", "after"}});
  REQUIRE(str(after, "type") == "message");
  CHECK(after.at("id").as_int64() == 11);
  expected.push_back("after");
  const auto live = read_messages(*bob, "ops", 1);
  CHECK(live[0].at("id").as_int64() == 11);
  CHECK(str(live[0], "text") == "after");

  const auto stored = stored_messages(s.port(), s.token("bob"), "ops");
  std::vector<std::int64_t> ids(expected.size());
  std::iota(ids.begin(), ids.end(), 1);
  CHECK(ids_of(stored) == ids);
  CHECK(texts_of(stored) == expected);

  // And the file the fault hit is intact for the next process too.
  s.restart();
  const auto reread = stored_messages(s.port(), s.token("bob"), "ops");
  CHECK(ids_of(reread) == ids);
  CHECK(texts_of(reread) == expected);
}
