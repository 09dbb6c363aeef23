// Paths that try to leave the static directory or the upload store: encoded, double-encoded,
// backslashed, NUL-cut, absolute, overlong. None may reveal a byte of a file outside, and each
// gets the contract's answer (404, or 400 for a request that is not well-formed HTTP).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace parley::test;
using boost::beast::http::verb;
namespace json = boost::json;

namespace {

const std::string secret = "TOP-SECRET-7f3a9c";

/// Targets that name a file outside the served directory, written as an attacker sends them
/// (raw: an HTTP client library would normalise them first). `{up}` is replaced by the way up
/// from the directory served to the directory holding secret.txt.
const std::vector<std::string>& escaping_targets() {
  static const std::vector<std::string> all = {
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E%2Fsecret.txt",
      "/.%2e/secret.txt",
      "/..%2fsecret.txt",
      "/%252e%252e/secret.txt",
      "/%252e%252e%252fsecret.txt",
      "/..%252fsecret.txt",
      "/..\\secret.txt",
      "/..%5csecret.txt",
      "/%5c..%5csecret.txt",
      "/..%5c..%5csecret.txt",
      "/%2e%2e%5csecret.txt",
      "/..%00/secret.txt",
      "/../secret.txt%00.html",
      "/%00/../secret.txt",
      "/%c0%ae%c0%ae/secret.txt",
      "/%c0%ae%c0%ae%c0%afsecret.txt",
      "/%e0%80%ae%e0%80%ae/secret.txt",
      "/%uff0e%uff0e/secret.txt",
      "/./../secret.txt",
      "/hello.txt/../../secret.txt",
      "/sub/../../secret.txt",
      "/.../secret.txt",
      "/..;/secret.txt",
      "//../secret.txt",
      "/secret.txt",
      "/link-to-secret",
      "/link-to-parent/secret.txt",
      "/../parley.db",
      "/%2e%2e/parley.db",
      "/etc/passwd",
      "//etc/passwd",
      "/%2fetc%2fpasswd",
      "/../../../../../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/..\\..\\..\\..\\..\\..\\etc\\passwd",
      "http://127.0.0.1/../secret.txt",
      "/proc/self/environ",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/proc/self/environ",
  };
  return all;
}

/// A raw GET of `target`; the answer as bytes (the server closes after it).
std::string raw_get(std::uint16_t port, const std::string& target,
                    const std::string& extra_headers = {}) {
  return raw_exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                                "Connection: close\r\n\r\n");
}

/// The answer is a contract 404 and carries nothing from outside the served directory.
void check_not_served(const std::string& answer) {
  CHECK(answer.starts_with("HTTP/1.1 404 "));
  CHECK(answer.find(R"("code":"not_found")") != std::string::npos);
  CHECK(answer.find(secret) == std::string::npos);
  CHECK(answer.find("SQLite format") == std::string::npos);
  CHECK(answer.find("root:") == std::string::npos);
  CHECK(answer.find("PATH=") == std::string::npos);
}

/// A server in a fresh directory: secret.txt beside static/, which holds hello.txt, sub/ and
/// two symbolic links out.
struct fixture {
  temp_dir dir;
  std::unique_ptr<server_process> server;

  explicit fixture(bool builtin) {
    auto args = default_server_args(dir.path());
    std::ofstream(dir / "secret.txt") << secret;
    std::ofstream(dir / "static/hello.txt") << "hello static";
    std::filesystem::create_directories(dir / "static/sub");
    std::filesystem::create_symlink(dir / "secret.txt", dir / "static/link-to-secret");
    std::filesystem::create_directory_symlink(dir.path(), dir / "static/link-to-parent");
    if (builtin) {
      args.insert(args.end(), {"--static-dir", ""});
    }
    server = std::make_unique<server_process>(dir.path(), args);
  }
  std::uint16_t port() const { return server->port(); }
};

}  // namespace

TEST_CASE("traversal: no path leaves PARLEY_STATIC_DIR") {
  fixture f(false);
  // Controls: the served file, also with an escaped letter, so a 404 below is the guard's.
  auto answer = raw_get(f.port(), "/hello.txt");
  REQUIRE(answer.starts_with("HTTP/1.1 200 "));
  CHECK(answer.ends_with("\r\n\r\nhello static"));
  CHECK(raw_get(f.port(), "/%68ello.txt").ends_with("\r\n\r\nhello static"));
  CHECK(raw_get(f.port(), "/sub/../hello.txt").starts_with("HTTP/1.1 404 "));
  for (const auto& target : escaping_targets()) {
    INFO(target);
    check_not_served(raw_get(f.port(), target));
  }
  // HEAD takes the same path to the file.
  const auto head = raw_exchange(f.port(),
                                 "HEAD /%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n");
  CHECK(head.starts_with("HTTP/1.1 404 "));
  CHECK(raw_get(f.port(), "/hello.txt").ends_with("\r\n\r\nhello static"));
}

TEST_CASE("traversal: the built-in web client serves nothing from the disk") {
  fixture f(true);
  REQUIRE(raw_get(f.port(), "/").starts_with("HTTP/1.1 200 "));
  for (const auto& target : escaping_targets()) {
    INFO(target);
    check_not_served(raw_get(f.port(), target));
  }
  // The working directory holds the database: not a static file either.
  check_not_served(raw_get(f.port(), "/parley.db"));
  check_not_served(raw_get(f.port(), "/secret.txt"));
}

TEST_CASE("traversal: a raw NUL or control byte in the target is malformed HTTP") {
  fixture f(false);
  for (const std::string& target :
       std::vector<std::string>{std::string("/hello.txt\0../secret.txt", 24), "/..\x01/secret.txt",
                                "/\x7f../secret.txt"}) {
    INFO(json::serialize(json::string(target)));
    const auto answer = raw_get(f.port(), target);
    CHECK(answer.starts_with("HTTP/1.1 400 "));
    CHECK(answer.find(R"("code":"bad_request")") != std::string::npos);
    CHECK(answer.find(secret) == std::string::npos);
  }
  CHECK(raw_get(f.port(), "/hello.txt").ends_with("hello static"));
}

TEST_CASE("traversal: /uploads/ serves upload ids only, never a path or a stored file name") {
  fixture f(false);
  const auto token = signup_and_login(f.port(), "alice");
  auto headers = bearer(token);
  headers["Content-Type"] = "text/plain";
  const auto made =
      http_call(f.port(), verb::post, "/api/uploads?name=note.txt", "my note", headers);
  REQUIRE(made.status == 201);
  const std::string id(made.json().at("upload").at("id").as_string());
  const auto auth = "Authorization: Bearer " + token + "\r\n";
  REQUIRE(raw_get(f.port(), "/uploads/" + id, auth).ends_with("\r\n\r\nmy note"));

  // The stored file is named by its SHA-256 in the upload directory: hex, but not an id.
  std::string stored;
  for (const auto& entry : std::filesystem::directory_iterator(f.dir / "uploads")) {
    stored = entry.path().filename().string();
  }
  REQUIRE(stored.size() == 64);
  std::string upper = id;
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  for (const auto& target : std::vector<std::string>{
           "/uploads/" + stored,
           "/uploads/" + upper,
           "/uploads/" + id + "/../../secret.txt",
           "/uploads/" + id + "%00",
           "/uploads/" + id + "%2f..%2f..%2fsecret.txt",
           "/uploads/" + id + "/",
           "/uploads/%2e%2e/secret.txt",
           "/uploads/../secret.txt",
           "/uploads/..%2fsecret.txt",
           "/uploads/%252e%252e%252fsecret.txt",
           "/uploads/..\\secret.txt",
           "/uploads/..%5csecret.txt",
           "/uploads/%c0%ae%c0%ae/secret.txt",
           "/uploads/..%2f" + stored,
           "/uploads/.tmp-x",
           "/uploads/",
           "/uploads/%30" + id.substr(1),
       }) {
    INFO(target);
    check_not_served(raw_get(f.port(), target, auth));
  }
  // Lower-case hex is routed as an id, so without a token the answer is 401, still empty.
  const auto anonymous = raw_get(f.port(), "/uploads/" + stored);
  CHECK(anonymous.starts_with("HTTP/1.1 401 "));
  CHECK(anonymous.find("my note") == std::string::npos);
  check_not_served(raw_get(f.port(), "/uploads/..%2f" + stored));
}
