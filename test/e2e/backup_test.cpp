// `parley backup <file>`: a consistent copy of the live SQLite database while clients write, a
// server that serves the copy, and the refusals around it.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <numeric>
#include <set>
#include <thread>

#include "support/chat_server.hpp"
#include "support/eventually.hpp"
#include "support/files.hpp"
#include "support/frames.hpp"
#include "support/history.hpp"

using namespace parley::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// One stored message as the copy holds it.
struct stored {
  std::int64_t id;
  std::string sender;
  std::string text;
  bool operator==(const stored&) const = default;
};

/// A database file opened read-only for the test's own queries.
class sqlite_file {
 public:
  explicit sqlite_file(const fs::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path.string());
    }
  }
  sqlite_file(const sqlite_file&) = delete;
  sqlite_file& operator=(const sqlite_file&) = delete;
  ~sqlite_file() { sqlite3_close(db_); }

  std::string integrity() {
    const auto rows = query("PRAGMA integrity_check", {});
    return rows.empty() ? "no answer" : rows.front().text;
  }

  std::vector<stored> messages(const std::string& channel) {
    return query(
        "SELECT m.id, m.sender, m.text FROM messages m JOIN channels c ON c.id = m.channel_id "
        "WHERE c.name = ?1 ORDER BY m.id",
        channel);
  }

 private:
  std::vector<stored> query(const char* sql, const std::optional<std::string>& param) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    if (param) {
      sqlite3_bind_text(stmt, 1, param->c_str(), -1, SQLITE_TRANSIENT);
    }
    std::vector<stored> rows;
    const auto column = [&](int i) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return t ? std::string(t) : std::string();
    };
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      if (sqlite3_column_count(stmt) == 1) {
        rows.push_back({0, {}, column(0)});
      } else {
        rows.push_back({sqlite3_column_int64(stmt, 0), column(1), column(2)});
      }
    }
    sqlite3_finalize(stmt);
    return rows;
  }

  sqlite3* db_ = nullptr;
};

/// Files of `dir` whose name holds ".partial-": what a backup writes before its rename.
std::vector<std::string> partial_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(".partial-") != std::string::npos) {
      out.push_back(e.path().filename().string());
    }
  }
  return out;
}

/// A writer: one session sending `count` messages to its channel, each acknowledged before the
/// next. `acked` counts acknowledgements as they come, for the test thread to read.
struct writer {
  std::string user;
  std::string channel;
  std::atomic<int> acked{0};
  std::string error;
};

void run_writer(chat_server& s, writer& w, int count) {
  try {
    auto c = s.connect(w.user);
    c->request({{"type", "join"}, {"channel", w.channel}});
    for (int i = 0; i < count; ++i) {
      const auto reply = c->request(
          {{"type", "send"}, {"channel", w.channel}, {"text", w.user + "-" + std::to_string(i)}});
      if (str(reply, "type") != "message") {
        throw std::runtime_error("send not acknowledged: " + boost::json::serialize(reply));
      }
      ++w.acked;
    }
  } catch (const std::exception& e) {
    w.error = e.what();
  }
}

}  // namespace

TEST_CASE("a backup taken while clients write holds every acknowledged message and serves") {
  chat_server s({"--rate-limit", "0", "--max-queue-bytes", "67108864"});
  // Two writers share a channel (their ids interleave), a third has its own.
  std::vector<std::unique_ptr<writer>> writers;
  for (const auto& [user, channel] :
       {std::pair{"ann", "shared"}, {"bob", "shared"}, {"cid", "solo"}}) {
    writers.push_back(std::make_unique<writer>());
    writers.back()->user = user;
    writers.back()->channel = channel;
    s.token(user);  // signed up on the test thread, before the load
  }
  // Long messages first: a database of several MiB takes the backup several steps, between
  // which the writers commit.
  {
    auto bulk = s.connect("ann");
    join(*bulk, "archive");
    for (int i = 0; i < 1500; ++i) {
      bulk->send({{"type", "send"}, {"channel", "archive"}, {"text", std::string(3000, 'a')}});
    }
    REQUIRE(read_messages(*bulk, "archive", 1500).size() == 1500);
  }
  constexpr int per_writer = 2000;
  std::vector<std::thread> threads;
  for (auto& w : writers) {
    threads.emplace_back([&s, &w] { run_writer(s, *w, per_writer); });
  }
  const auto total_acked = [&] {
    int n = 0;
    for (const auto& w : writers) {
      n += w->acked.load();
    }
    return n;
  };
  const bool loaded = eventually([&] { return total_acked() >= 300; }, 30s);

  // Every message acknowledged by now must be in the copy.
  std::vector<int> acked_before;
  for (const auto& w : writers) {
    acked_before.push_back(w->acked.load());
  }
  const auto copy = s.dir / "copy.db";
  const auto result =
      run_to_exit(s.dir.path(), {"backup", "--db", (s.dir / "parley.db").string(), copy.string()});
  const int acked_after_backup = total_acked();
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& w : writers) {
    INFO(w->user);
    REQUIRE(w->error.empty());
  }
  REQUIRE(loaded);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.find(" pages, ") != std::string::npos);
  CHECK(result.output.find("integrity ok") != std::string::npos);
  // The writers went on while the backup ran, and were still at it when it ended.
  const int before_total = std::accumulate(acked_before.begin(), acked_before.end(), 0);
  WARN("before " << before_total << " after " << acked_after_backup << " " << result.output);
  CHECK(acked_after_backup > before_total);
  CHECK(acked_after_backup < 3 * per_writer);
  CHECK(partial_files(s.dir.path()).empty());

  std::map<std::string, std::vector<stored>> in_copy;
  {
    sqlite_file db(copy);
    CHECK(db.integrity() == "ok");
    for (const auto* channel : {"shared", "solo"}) {
      in_copy[channel] = db.messages(channel);
    }
  }
  for (const auto& [channel, rows] : in_copy) {
    INFO(channel);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      REQUIRE(rows[i].id == static_cast<std::int64_t>(i) + 1);  // gap-free from 1
    }
  }
  for (std::size_t k = 0; k < writers.size(); ++k) {
    const auto& w = *writers[k];
    std::set<std::string> texts;
    for (const auto& row : in_copy[w.channel]) {
      if (row.sender == w.user) {
        texts.insert(row.text);
      }
    }
    INFO(w.user << " had " << acked_before[k] << " acknowledged before the backup");
    CHECK(texts.size() >= static_cast<std::size_t>(acked_before[k]));
    for (int i = 0; i < acked_before[k]; ++i) {
      REQUIRE(texts.count(w.user + "-" + std::to_string(i)) == 1);
    }
  }

  // Restore: the copy in place of a new server's database; its history is the copy's.
  temp_dir restored;
  fs::copy_file(copy, restored / "parley.db");
  server_process second(restored.path(), default_server_args(restored.path()));
  const auto token = s.token("ann");  // same JWT secret, same users
  for (const auto& [channel, rows] : in_copy) {
    INFO(channel);
    const auto served = stored_messages(second.port(), token, channel);
    REQUIRE(served.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const stored got{served[i].at("id").as_int64(), str(served[i], "from"),
                       str(served[i], "text")};
      REQUIRE(got == rows[i]);
    }
  }
}

TEST_CASE("backup of a PostgreSQL database points to pg_dump and keeps the password out") {
  temp_dir dir;
  const auto r = run_to_exit(dir.path(), {"backup", "copy.dump"},
                             {{"PARLEY_DB", "postgres://parley:s3cret-pw@127.0.0.1:5/chat"}});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("pg_dump") != std::string::npos);
  CHECK(r.output.find("postgres://parley@127.0.0.1:5/chat") != std::string::npos);
  CHECK(r.output.find("s3cret-pw") == std::string::npos);
  CHECK_FALSE(fs::exists(dir / "copy.dump"));
}

TEST_CASE("backup without a file, or with two, is bad use") {
  temp_dir dir;
  const auto none = run_to_exit(dir.path(), {"backup"});
  CHECK(none.exit_code == 2);
  CHECK(none.output.find("backup needs the file to write") != std::string::npos);
  const auto two = run_to_exit(dir.path(), {"backup", "a.db", "b.db"});
  CHECK(two.exit_code == 2);
  CHECK(two.output.find("not also 'b.db'") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "a.db"));
  CHECK_FALSE(fs::exists(dir / "parley.db"));  // nothing opened, nothing created
}

TEST_CASE("an existing target is kept unless --force, which replaces it whole") {
  chat_server s;
  auto ann = s.connect("ann");
  join(*ann, "kept");
  send_text(*ann, "kept", "before the backup");
  const auto target = s.dir / "copy.db";
  { std::ofstream(target) << "an earlier backup"; }
  const std::vector<std::string> db{"--db", (s.dir / "parley.db").string()};
  auto args = db;
  args.insert(args.end(), {"backup", target.string()});
  const auto refused = run_to_exit(s.dir.path(), args);
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("exists; use --force to replace it") != std::string::npos);
  CHECK(read_file(target) == "an earlier backup");

  args.push_back("--force");
  const auto forced = run_to_exit(s.dir.path(), args);
  INFO(forced.output);
  REQUIRE(forced.exit_code == 0);
  sqlite_file copy(target);
  CHECK(copy.integrity() == "ok");
  const auto rows = copy.messages("kept");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].text == "before the backup");
  CHECK(partial_files(s.dir.path()).empty());

  // The database itself is never a target, --force or not.
  auto onto_itself = db;
  onto_itself.insert(onto_itself.end(), {"backup", "--force", (s.dir / "parley.db").string()});
  const auto itself = run_to_exit(s.dir.path(), onto_itself);
  CHECK(itself.exit_code == 1);
  CHECK(itself.output.find("is the database itself") != std::string::npos);
}

TEST_CASE("a failed backup leaves no file at the target") {
  temp_dir dir;
  { std::ofstream(dir / "not-a.db") << std::string(8192, 'x'); }
  const auto r = run_to_exit(dir.path(), {"backup", "--db", "not-a.db", "copy.db"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("not a database") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "copy.db"));
  CHECK(partial_files(dir.path()).empty());
  const auto missing = run_to_exit(dir.path(), {"backup", "--db", "none.db", "copy.db"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("database 'none.db' does not exist") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "none.db"));
}
