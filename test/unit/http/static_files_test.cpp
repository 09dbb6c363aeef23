#include <catch2/catch.hpp>

#include <fstream>

#include "parley/http/static_files.hpp"
#include "support/temp_dir.hpp"

using namespace parley::http;
namespace fs = std::filesystem;

namespace {
void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}
}  // namespace

TEST_CASE("static paths resolve inside the root and nowhere else") {
  parley::test::temp_dir dir;
  write(dir / "secret.txt", "secret");
  write(dir / "www/index.html", "index");
  write(dir / "www/app.js", "js");
  write(dir / "www/sub/index.html", "sub");
  fs::create_symlink(dir / "secret.txt", dir / "www/link-out.txt");
  fs::create_symlink(dir / "www/app.js", dir / "www/link-in.js");
  const auto root = fs::canonical(dir / "www");

  CHECK(resolve_static(root, "/") == root / "index.html");
  CHECK(resolve_static(root, "/app.js") == root / "app.js");
  CHECK(resolve_static(root, "/sub/") == root / "sub/index.html");
  CHECK(resolve_static(root, "/sub") == root / "sub/index.html");
  CHECK(resolve_static(root, "/%61pp.js") == root / "app.js");
  CHECK(resolve_static(root, "/link-in.js") == root / "app.js");

  CHECK_FALSE(resolve_static(root, "/missing.js"));
  CHECK_FALSE(resolve_static(root, "/../secret.txt"));
  CHECK_FALSE(resolve_static(root, "/sub/../../secret.txt"));
  CHECK_FALSE(resolve_static(root, "/%2e%2e/secret.txt"));
  CHECK_FALSE(resolve_static(root, "/%2E%2E%2Fsecret.txt"));
  CHECK_FALSE(resolve_static(root, "/..%5csecret.txt"));
  CHECK_FALSE(resolve_static(root, "/link-out.txt"));
  CHECK_FALSE(resolve_static(root, "/app.js%00.html"));
  CHECK_FALSE(resolve_static(root, "/%zz"));
  CHECK_FALSE(resolve_static(root, "relative"));
}

TEST_CASE("content types follow the contract's table") {
  CHECK(mime_type("a.html") == "text/html; charset=utf-8");
  CHECK(mime_type("a.js") == "text/javascript");
  CHECK(mime_type("a.css") == "text/css");
  CHECK(mime_type("a.json") == "application/json");
  CHECK(mime_type("a.svg") == "image/svg+xml");
  CHECK(mime_type("a.png") == "image/png");
  CHECK(mime_type("a.ico") == "image/x-icon");
  CHECK(mime_type("a.txt") == "text/plain; charset=utf-8");
  CHECK(mime_type("a.wasm") == "application/octet-stream");
  CHECK(mime_type("Makefile") == "application/octet-stream");
}
