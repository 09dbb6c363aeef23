// Fault: SIGKILL while several clients upload files and send messages with them attached. What
// the server acknowledged before it died must all be there after a restart on the same database
// and upload directory: the messages, their attachments and the bytes of every accepted upload.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include "support/chat_server.hpp"
#include "support/frames.hpp"
#include "support/history.hpp"
#include "support/http_client.hpp"
#include "support/uploads.hpp"

using namespace parley::test;
namespace json = boost::json;

namespace {

struct accepted_upload {
  std::string uploader;
  std::string bytes;
};

struct acked_message {
  std::int64_t id;
  std::string from;
  std::string text;
  std::string upload_id;
};

/// What the clients saw acknowledged, shared by their threads.
struct ledger {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, accepted_upload> uploads;  // by id: every upload answered 201
  std::vector<acked_message> messages;             // every message echoed

  bool wait_for_messages(std::size_t n, std::chrono::milliseconds deadline) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, deadline, [&] { return messages.size() >= n; });
  }
};

/// Distinct bytes per upload (the store keeps one file per content, and a mix-up between two
/// uploads must show), of varying size so that some take more than one read to arrive.
std::string file_bytes(const std::string& user, int n) {
  std::string line = user + " file " + std::to_string(n) + "\n";
  std::string out;
  const std::size_t size = 1000 + static_cast<std::size_t>(n % 7) * 9000;
  while (out.size() < size) {
    out += line;
  }
  return out;
}

/// Uploads, then sends a message with the upload attached, until the server goes away. An
/// exception or a non-success answer ends the client: the kill came.
void client_loop(std::uint16_t port, const std::string& user, const std::string& token,
                 ws_client& ws, ledger& seen) {
  for (int n = 0; n < 2000; ++n) {
    std::string id;
    const auto bytes = file_bytes(user, n);
    try {
      const auto r =
          upload(port, token, user + "-" + std::to_string(n) + ".txt", "text/plain", bytes);
      if (r.status != 201) {
        return;
      }
      id = std::string(r.json().at("upload").at("id").as_string());
      {
        std::lock_guard lock(seen.mutex);
        seen.uploads[id] = {user, bytes};
      }
      const auto text = user + " message " + std::to_string(n);
      const auto echo = ws.request({{"type", "send"},
                                    {"channel", "load"},
                                    {"text", text},
                                    {"attachments", json::array{json::string(id)}}});
      if (str(echo, "type") != "message") {
        return;
      }
      std::lock_guard lock(seen.mutex);
      seen.messages.push_back({echo.at("id").as_int64(), user, text, id});
      seen.changed.notify_all();
    } catch (const std::exception&) {
      return;
    }
  }
}

}  // namespace

TEST_CASE("fault: SIGKILL under load with uploads loses nothing acknowledged") {
  constexpr int clients = 4;
  chat_server s({"--rate-limit", "0"});
  std::vector<std::string> users;
  std::vector<std::unique_ptr<ws_client>> sessions;
  for (int i = 0; i < clients; ++i) {
    users.push_back("loader" + std::to_string(i));
    sessions.push_back(s.connect(users.back()));
    REQUIRE(str(sessions.back()->request({{"type", "join"}, {"channel", "load"}}), "type") ==
            "joined");
  }
  ledger seen;
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i, port = s.port(), token = s.token(users[i])] {
      client_loop(port, users[i], token, *sessions[i], seen);
    });
  }
  // Killed in the middle of the load: uploads and sends are in flight on every client.
  const bool loaded = seen.wait_for_messages(120, 60s);
  s.process->kill_now();
  for (auto& t : threads) {
    t.join();
  }
  REQUIRE(loaded);
  sessions.clear();

  s.restart();
  const auto reader = s.token("loader0");
  const auto stored = stored_messages(s.port(), reader, "load");
  std::map<std::int64_t, json::object> by_id;
  for (const auto& m : stored) {
    by_id[m.at("id").as_int64()] = m;
  }
  // Ids 1..n without a gap: stored messages the kill kept from being echoed may be there too.
  std::vector<std::int64_t> expected_ids(stored.size());
  std::iota(expected_ids.begin(), expected_ids.end(), 1);
  CHECK(ids_of(stored) == expected_ids);
  INFO(seen.messages.size() << " messages and " << seen.uploads.size() << " uploads acknowledged, "
                            << stored.size() << " stored");
  REQUIRE(seen.messages.size() >= 120);
  for (const auto& m : seen.messages) {
    INFO("message " << m.id << " of " << m.from);
    const auto it = by_id.find(m.id);
    REQUIRE(it != by_id.end());
    CHECK(str(it->second, "from") == m.from);
    CHECK(str(it->second, "text") == m.text);
    const auto& attachments = it->second.at("attachments").as_array();
    REQUIRE(attachments.size() == 1);
    CHECK(attachments[0].at("id").as_string() == m.upload_id);
    const auto file = fetch(s.port(), reader, "/uploads/" + m.upload_id);
    CHECK(file.status == 200);
    CHECK(file.body == seen.uploads.at(m.upload_id).bytes);
  }
  // Uploads answered 201 but never attached (the kill came first) still serve their uploader.
  for (const auto& [id, u] : seen.uploads) {
    INFO("upload " << id << " of " << u.uploader);
    const auto file = fetch(s.port(), s.token(u.uploader), "/uploads/" + id);
    CHECK(file.status == 200);
    CHECK(file.body == u.bytes);
  }
}
