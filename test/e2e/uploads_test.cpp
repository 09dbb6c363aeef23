// Uploads and attachments: types checked against the bytes, limits, names, who may see a file,
// one file per content, and the sweep of uploads never attached.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <filesystem>

#include "support/chat_cluster.hpp"
#include "support/chat_server.hpp"
#include "support/eventually.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"
#include "support/uploads.hpp"

using namespace parley::test;
namespace json = boost::json;
using boost::beast::http::verb;

namespace {

const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\x01');
const std::string jpeg = std::string("\xff\xd8\xff\xe0", 4) + std::string(50, '\x02');
const std::string gif = "GIF89a" + std::string(30, '\x03');
const std::string webp = std::string("RIFF\x10\0\0\0WEBPVP8 ", 16) + std::string(20, '\x04');
const std::string pdf = "%PDF-1.7\n" + std::string(40, 'x');
const std::string text = "h\xc3\xa9llo, world\n";

std::string code_of(const http_reply& r) {
  return std::string(r.json().at("error").at("code").as_string());
}

json::object send_with(ws_client& c, json::object target, const std::string& id) {
  target["type"] = "send";
  target["attachments"] = json::array{json::string(id)};
  return c.request(std::move(target));
}

}  // namespace

TEST_CASE("uploads: every accepted type round-trips with the contract's headers") {
  chat_server s;
  const auto token = s.token("alice");
  struct sample {
    const char* name;
    const char* declared;
    const std::string* bytes;
    const char* disposition;
  };
  for (const auto& [name, declared, bytes, disposition] :
       {sample{"a.png", "image/png", &png, "inline"},
        sample{"b.jpg", "image/jpeg", &jpeg, "inline"},
        sample{"c.gif", "image/gif", &gif, "inline"},
        sample{"d.webp", "image/webp", &webp, "inline"},
        sample{"e.pdf", "application/pdf", &pdf, "attachment"},
        sample{"f.txt", "text/plain; charset=utf-8", &text, "attachment"}}) {
    INFO(name);
    const auto u = upload_ok(s.port(), token, name, declared, *bytes);
    const auto id = std::string(u.at("id").as_string());
    const auto type = std::string(declared).substr(0, std::string(declared).find(';'));
    CHECK(u.at("name").as_string() == name);
    CHECK(u.at("type").as_string() == type);
    CHECK(u.at("size").as_int64() == static_cast<std::int64_t>(bytes->size()));
    CHECK(u.at("url").as_string() == "/uploads/" + id);

    const auto got = fetch(s.port(), token, "/uploads/" + id);
    REQUIRE(got.status == 200);
    CHECK(got.body == *bytes);
    CHECK(got.header("content-type").starts_with(type));
    CHECK(got.header("content-disposition").starts_with(disposition));
    CHECK(got.header("content-disposition").find(name) != std::string::npos);
    CHECK(got.header("x-content-type-options") == "nosniff");
    CHECK(got.header("cache-control") == "private, max-age=31536000, immutable");
    const auto etag = got.header("etag");
    REQUIRE_FALSE(etag.empty());
    const auto again = fetch(s.port(), token, "/uploads/" + id, {{"If-None-Match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(fetch(s.port(), token, "/uploads/" + id, {{"If-None-Match", "\"other\""}}).status == 200);
  }
}

TEST_CASE("uploads: the declared type must match the bytes, names and sizes are checked") {
  chat_server s({"--max-upload-bytes", "1000"});
  const auto token = s.token("alice");
  CHECK(code_of(upload(s.port(), token, "x.jpg", "image/jpeg", png)) == "unsupported_type");
  CHECK(code_of(upload(s.port(), token, "x.png", "image/png", pdf)) == "unsupported_type");
  CHECK(code_of(upload(s.port(), token, "x.txt", "text/plain", png)) == "unsupported_type");
  CHECK(code_of(upload(s.port(), token, "x.txt", "text/plain", "bad \xc0\xaf utf-8")) ==
        "unsupported_type");
  CHECK(code_of(upload(s.port(), token, "x.svg", "image/svg+xml", "<svg/>")) == "unsupported_type");
  CHECK(code_of(upload(s.port(), token, "x.txt", "", text)) == "unsupported_type");
  CHECK(upload(s.port(), token, "x.txt", "text/plain", text).status == 201);
  CHECK(upload(s.port(), token, "x.txt", "text/plain", "<html>still text</html>").status == 201);

  CHECK(upload(s.port(), token, "big.txt", "text/plain", std::string(1000, 'a')).status == 201);
  const auto big = upload(s.port(), token, "big.txt", "text/plain", std::string(1001, 'a'));
  CHECK(big.status == 413);
  CHECK(code_of(big) == "too_large");
  // Streamed without a length: refused once the count passes the limit.
  const auto chunked = raw_exchange(
      s.port(), "POST /api/uploads?name=c.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                    token + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" +
                    "258\r\n" + std::string(600, 'a') + "\r\n258\r\n" + std::string(600, 'a') +
                    "\r\n0\r\n\r\n");
  CHECK(chunked.starts_with("HTTP/1.1 413"));
  CHECK(code_of(upload(s.port(), token, "e.txt", "text/plain", "")) == "bad_request");

  CHECK(code_of(upload(s.port(), token, "", "text/plain", text)) == "bad_request");
  CHECK(code_of(http_call(s.port(), verb::post, "/api/uploads", text,
                          {{"Authorization", "Bearer " + token},
                           {"Content-Type", "text/plain"}})) == "bad_request");
  for (const auto* bad : {"a/b.txt", "a\\b.txt", "new\nline.txt", "del\x7f.txt"}) {
    INFO(bad);
    CHECK(code_of(upload(s.port(), token, bad, "text/plain", text)) == "bad_request");
  }
  CHECK(code_of(upload(s.port(), token, std::string(256, 'n'), "text/plain", text)) ==
        "bad_request");
  CHECK(upload(s.port(), token, std::string(255, 'n'), "text/plain", text).status == 201);
  const auto accented = upload_ok(s.port(), token, "caf\xc3\xa9 menu.txt", "text/plain", text);
  CHECK(accented.at("name").as_string() == "caf\xc3\xa9 menu.txt");
  const auto got = fetch(s.port(), token, std::string(accented.at("url").as_string()));
  CHECK(got.header("content-disposition").find("filename*=UTF-8''caf%C3%A9%20menu.txt") !=
        std::string::npos);

  CHECK(upload(s.port(), "", "x.txt", "text/plain", text).status == 401);
  CHECK(http_call(s.port(), verb::get, "/api/uploads").status == 405);
  CHECK(http_call(s.port(), verb::get, "/uploads/0123abcd").status == 401);
  CHECK(fetch(s.port(), token, "/uploads/0123abcd").status == 404);
  CHECK(metric(s.port(), "parley_uploads_total") == 5);
}

TEST_CASE("attachments: in messages and history, visible to readers of the channel only") {
  chat_server s;
  auto alice = s.connect("alice");
  auto carol = s.connect("carol");
  const auto alice_token = s.token("alice");
  const auto bob_token = s.token("bob");
  const auto carol_token = s.token("carol");
  const auto dave_token = s.token("dave");
  const auto eve_token = s.token("eve");

  const auto secret = upload_ok(s.port(), alice_token, "secret.png", "image/png", png);
  const auto secret_url = std::string(secret.at("url").as_string());
  CHECK(fetch(s.port(), bob_token, secret_url).status == 404);  // not attached yet: uploader only
  CHECK(fetch(s.port(), alice_token, secret_url).status == 200);

  REQUIRE(str(alice->request({{"type", "create"}, {"channel", "inner"}, {"private", true}}),
              "type") == "created");
  REQUIRE(str(alice->request({{"type", "invite"}, {"channel", "inner"}, {"user", "carol"}}),
              "type") == "invited");
  REQUIRE(str(carol->request({{"type", "join"}, {"channel", "inner"}}), "type") == "joined");
  const auto echo =
      send_with(*alice, {{"channel", "inner"}}, std::string(secret.at("id").as_string()));
  REQUIRE(str(echo, "type") == "message");
  CHECK(echo.at("text").as_string() == "");
  const auto& attached = echo.at("attachments").as_array().at(0).as_object();
  CHECK(attached.at("id") == secret.at("id"));
  CHECK(attached.at("name").as_string() == "secret.png");
  CHECK(attached.at("type").as_string() == "image/png");
  CHECK(attached.at("size").as_int64() == static_cast<std::int64_t>(png.size()));
  CHECK(attached.at("url").as_string() == secret_url);
  CHECK(read_messages(*carol, "inner", 1)[0].at("attachments") == echo.at("attachments"));
  const auto history = carol->request({{"type", "history"}, {"channel", "inner"}});
  CHECK(history.at("messages").as_array().at(0).at("attachments") == echo.at("attachments"));

  CHECK(fetch(s.port(), carol_token, secret_url).status == 200);  // a member
  const auto stranger = fetch(s.port(), bob_token, secret_url);   // not a member
  CHECK(stranger.status == 404);
  CHECK(stranger.body == fetch(s.port(), bob_token, "/uploads/ffff0000").body);  // no oracle

  // Public channel: everyone may read its history, so everyone sees the file.
  const auto open = upload_ok(s.port(), alice_token, "open.gif", "image/gif", gif);
  REQUIRE(str(alice->request({{"type", "join"}, {"channel", "square"}}), "type") == "joined");
  REQUIRE(str(send_with(*alice, {{"channel", "square"}, {"text", "look"}},
                        std::string(open.at("id").as_string())),
              "type") == "message");
  CHECK(fetch(s.port(), eve_token, std::string(open.at("url").as_string())).status == 200);

  // Direct messages: both participants, nobody else.
  const auto note = upload_ok(s.port(), alice_token, "note.pdf", "application/pdf", pdf);
  const auto dm = send_with(*alice, {{"to", "dave"}}, std::string(note.at("id").as_string()));
  REQUIRE(str(dm, "type") == "message");
  CHECK(fetch(s.port(), dave_token, std::string(note.at("url").as_string())).status == 200);
  CHECK(fetch(s.port(), eve_token, std::string(note.at("url").as_string())).status == 404);

  // Only one's own uploads can be attached.
  const auto bobs = upload_ok(s.port(), bob_token, "bob.txt", "text/plain", text);
  CHECK(str(send_with(*alice, {{"channel", "square"}}, std::string(bobs.at("id").as_string())),
            "code") == "not_found");
  CHECK(str(send_with(*alice, {{"channel", "square"}}, "deadbeef"), "code") == "not_found");
  CHECK(
      str(alice->request({{"type", "send"}, {"channel", "square"}, {"attachments", json::array{}}}),
          "code") == "bad_request");
}

TEST_CASE("uploads: the same bytes are stored once, unattached uploads are swept") {
  chat_server s({"--unattached-upload-ttl", "4"});
  const auto alice = s.token("alice");
  const auto bob = s.token("bob");
  const auto first = upload_ok(s.port(), alice, "one.pdf", "application/pdf", pdf);
  const auto second = upload_ok(s.port(), bob, "two.pdf", "application/pdf", pdf);
  CHECK(first.at("id") != second.at("id"));
  const auto dir = s.dir.path() / "uploads";
  // An upload is received into a ".tmp-" spool file beside the stored ones; a duplicate's spool is
  // deleted by a file worker after the answer, so it may still be there for a moment.
  const auto count_files = [&](bool spools) {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const bool spool = e.path().filename().string().starts_with(".tmp-");
      n += e.is_regular_file() && spool == spools ? 1 : 0;
    }
    return n;
  };
  const auto stored_files = [&] { return count_files(false); };
  CHECK(stored_files() == 1);
  CHECK(eventually([&] { return count_files(true) == 0; }, 5s));
  CHECK(fetch(s.port(), alice, std::string(first.at("url").as_string())).header("etag") ==
        fetch(s.port(), bob, std::string(second.at("url").as_string())).header("etag"));

  auto c = s.connect("alice");
  const auto kept = upload_ok(s.port(), alice, "kept.png", "image/png", png);
  REQUIRE(str(c->request({{"type", "join"}, {"channel", "room"}}), "type") == "joined");
  REQUIRE(str(send_with(*c, {{"channel", "room"}}, std::string(kept.at("id").as_string())),
              "type") == "message");
  CHECK(stored_files() == 2);
  // Records, not files: the two identical PDFs count twice.
  CHECK(metric(s.port(), "parley_uploads_stored") == 3);
  CHECK(metric(s.port(), "parley_uploads_stored_bytes") == 2 * pdf.size() + png.size());

  const auto first_url = std::string(first.at("url").as_string());
  CHECK(eventually([&] { return fetch(s.port(), alice, first_url).status == 404; }, 15s));
  CHECK(eventually([&] { return stored_files() == 1; }, 5s));
  CHECK(fetch(s.port(), bob, std::string(second.at("url").as_string())).status == 404);
  CHECK(fetch(s.port(), alice, std::string(kept.at("url").as_string())).status == 200);
  // The sweep recounts what the store holds, and so does a new process.
  CHECK(eventually([&] { return metric(s.port(), "parley_uploads_stored") == 1; }, 5s));
  CHECK(metric(s.port(), "parley_uploads_stored_bytes") == png.size());
  s.restart();
  CHECK(eventually([&] { return metric(s.port(), "parley_uploads_stored") == 1; }, 5s));
  CHECK(metric(s.port(), "parley_uploads_stored_bytes") == png.size());
}

TEST_CASE("cluster: an upload made on one instance is attached and served on the other",
          "[cluster]") {
  chat_cluster c(2);
  auto alice = c.connect("alice", 0);
  auto bob = c.connect("bob", 1);
  const auto u = upload_ok(c.port(0), c.token("alice"), "pic.webp", "image/webp", webp);
  REQUIRE(str(alice->request({{"type", "join"}, {"channel", "hall"}}), "type") == "joined");
  REQUIRE(str(bob->request({{"type", "join"}, {"channel", "hall"}}), "type") == "joined");
  const auto echo = send_with(*alice, {{"channel", "hall"}}, std::string(u.at("id").as_string()));
  REQUIRE(str(echo, "type") == "message");
  CHECK(read_messages(*bob, "hall", 1)[0].at("attachments") == echo.at("attachments"));
  const auto got = fetch(c.port(1), c.token("bob"), std::string(u.at("url").as_string()));
  CHECK(got.status == 200);
  CHECK(got.body == webp);
}
