#include "http_fuzz_server.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>

#include "check.hpp"
#include "parley/auth/password.hpp"
#include "parley/http/handlers.hpp"
#include "parley/store/channels.hpp"
#include "parley/store/users.hpp"
#include "parley/util/clock.hpp"

namespace parley::fuzz {
namespace fs = std::filesystem;

namespace {

/// scrypt at its lowest cost: hashing stays real (and verifiable) but costs microseconds.
constexpr auth::scrypt_params cheap_hashes{2, 1, 1};

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream(path, std::ios::binary) << content;
}

/// A static directory with a page, a script and a subdirectory, and beside it a file that a
/// traversal or the symlink `static/outside.txt` would reach; returns the canonical root.
fs::path make_static_root(const fs::path& dir) {
  const auto root = dir / "static";
  fs::create_directories(root / "docs");
  write_file(root / "index.html", "<!doctype html><title>fuzz</title>");
  write_file(root / "app.js", "console.log('fuzz');");
  write_file(root / "docs" / "index.html", "<p>docs</p>");
  write_file(dir / "outside.txt", http_fuzz_server::outside_marker);
  fs::create_symlink("../outside.txt", root / "outside.txt");
  return fs::canonical(root);
}

http::api_context make_api(store::store& db, boost::asio::thread_pool& hash_pool,
                           auth::token_service& tokens, metrics::registry& metrics, chat::bus& bus,
                           chat::hub& hub, std::optional<fs::path> disk_root) {
  static const auto dummy_hash =
      auth::hash_password("unknown users are checked against this", cheap_hashes);
  return http::api_context{db,
                           hash_pool,
                           tokens,
                           metrics,
                           bus,
                           hub,
                           !disk_root.has_value(),
                           disk_root.value_or(fs::path()),
                           dummy_hash,
                           {"https://allowed.example"},
                           false,
                           cheap_hashes};
}

void add_seed_accounts(store::store& db) {
  db.run_blocking([](store::database& d) {
    const auto now = util::unix_seconds();
    const auto alice =
        store::create_user(d, "alice", auth::hash_password("alice-password", cheap_hashes), now);
    store::create_user(d, "bob", auth::hash_password("bob-password", cheap_hashes), now);
    const auto general = store::create_channel(d, "general", "public", alice->id, now);
    store::add_member(d, general->id, alice->id, now);
    const auto secret = store::create_channel(d, "secret", "private", alice->id, now);
    store::add_member(d, secret->id, alice->id, now);
  });
}

/// The bytes a socket write of `message` would send.
std::string serialize(boost::beast::http::message_generator& message) {
  std::string out;
  while (!message.is_done()) {
    boost::beast::error_code ec;
    const auto buffers = message.prepare(ec);
    PARLEY_FUZZ_CHECK(!ec);
    std::size_t n = 0;
    for (const auto& b : buffers) {
      out.append(static_cast<const char*>(b.data()), b.size());
      n += b.size();
    }
    message.consume(n);
  }
  return out;
}

}  // namespace

http_fuzz_server::http_fuzz_server()
    : store_((dir_ / "fuzz.db").string()),
      hub_({&io_}, metrics_),
      bus_(hub_),
      builtin_api_(make_api(store_, hash_pool_, tokens_, metrics_, bus_, hub_, std::nullopt)),
      disk_api_(make_api(store_, hash_pool_, tokens_, metrics_, bus_, hub_,
                         make_static_root(dir_.path()))) {
  hub_.set_link(bus_);
  add_seed_accounts(store_);
}

std::string http_fuzz_server::answer(const http::request& req, bool static_from_disk) {
  // The store and hashing threads finish jobs while the io_context has nothing queued: the
  // guard keeps run() waiting for the reply, as a server's I/O thread would.
  auto guard = boost::asio::make_work_guard(io_);
  std::optional<std::string> written;
  auto& api = static_from_disk ? disk_api_ : builtin_api_;
  boost::asio::co_spawn(
      io_,
      [&]() -> boost::asio::awaitable<void> {
        auto handling = http::handle_request(api, req);
        auto reply = co_await std::move(handling);
        written = serialize(reply.message);
        guard.reset();
      },
      // handle_request answers every failure itself: nothing may escape it.
      [](std::exception_ptr error) { PARLEY_FUZZ_CHECK(!error); });
  io_.run();
  io_.restart();
  PARLEY_FUZZ_CHECK(written.has_value());
  return std::move(*written);
}

}  // namespace parley::fuzz
