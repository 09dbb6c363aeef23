// Requests that try to wear out the HTTP reader: a header over the 16 KiB limit, thousands of
// small ones, a huge request line, ambiguous framing, a long pipeline on one connection. Each
// gets the contract's answer (400 bad_request and a close for what is not acceptable HTTP), and
// the server answers everyone else meanwhile.
#include <catch2/catch.hpp>

#include <regex>

#include "support/chat_server.hpp"
#include "support/http_client.hpp"
#include "support/raw_ws.hpp"

using namespace parley::test;
using boost::beast::http::verb;

namespace {

std::string get_with(const std::string& target, const std::string& headers) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
}

/// The statuses of every response in `raw`, in order.
std::vector<int> statuses(const std::string& raw) {
  std::vector<int> out;
  const std::regex status_line("HTTP/1\\.1 ([0-9]{3}) ");
  for (auto it = std::sregex_iterator(raw.begin(), raw.end(), status_line);
       it != std::sregex_iterator(); ++it) {
    out.push_back(std::stoi((*it)[1].str()));
  }
  return out;
}

/// One 400 bad_request, announced as the end of the connection (raw_exchange returned, so the
/// server did close it).
void check_refused(const std::string& raw) {
  CHECK(statuses(raw) == std::vector<int>{400});
  CHECK(raw.find("Connection: close\r\n") != std::string::npos);
  CHECK(raw.find(R"({"error":{"code":"bad_request",)") != std::string::npos);
}

std::string many_headers(int count, const std::string& value) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += "X-Flood-" + std::to_string(i) + ": " + value + "\r\n";
  }
  return out;
}

}  // namespace

TEST_CASE("headers: one over 16 KiB, or thousands of small ones, get 400 and a close") {
  chat_server s;
  // Controls just under the limit: the limit is where the contract says.
  CHECK(
      statuses(raw_exchange(s.port(), get_with("/healthz", "X-Big: " + std::string(15 * 1024, 'v') +
                                                               "\r\nConnection: close\r\n"))) ==
      std::vector<int>{200});
  CHECK(statuses(raw_exchange(
            s.port(), get_with("/healthz", many_headers(500, "v") + "Connection: close\r\n"))) ==
        std::vector<int>{200});

  check_refused(raw_exchange(
      s.port(), get_with("/healthz", "X-Big: " + std::string(17 * 1024, 'v') + "\r\n")));
  check_refused(raw_exchange(
      s.port(), get_with("/healthz", "X-Big: " + std::string(1024 * 1024, 'v') + "\r\n")));
  check_refused(raw_exchange(s.port(), get_with("/healthz", many_headers(5000, "v"))));
  check_refused(raw_exchange(s.port(), get_with("/healthz", many_headers(20000, ""))));
  check_refused(raw_exchange(
      s.port(), get_with("/api/me", "Cookie: " + std::string(20 * 1024, 'c') + "\r\n")));
  // An upgrade is read by the same reader.
  check_refused(raw_exchange(s.port(), get_with("/ws",
                                                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                "Sec-WebSocket-Version: 13\r\n" +
                                                    many_headers(3000, "v"))));
  CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
}

TEST_CASE("headers: a client stuck inside a big header does not hold up anyone else") {
  chat_server s;
  auto session = s.connect("alice");
  raw_tcp slow(s.port());
  slow.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(15 * 1024, 'v'));
  // The server is reading that header; others are served all the same.
  CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
  CHECK(session->request({{"type", "ping"}}).at("type").as_string() == "pong");
  slow.write(std::string(2 * 1024, 'v') + "\r\n\r\n");
  REQUIRE(slow.read_to_eof());
  check_refused(slow.received());
}

TEST_CASE("request line: a huge target or method gets 400 and a close") {
  chat_server s;
  // Control: a long target under the limit is read and routed (a static file that is missing).
  CHECK(statuses(raw_exchange(
            s.port(), get_with("/" + std::string(15 * 1024, 'a'), "Connection: close\r\n"))) ==
        std::vector<int>{404});
  check_refused(raw_exchange(s.port(), get_with("/" + std::string(17 * 1024, 'a'), "")));
  check_refused(raw_exchange(s.port(), get_with("/healthz?" + std::string(64 * 1024, 'q'), "")));
  check_refused(
      raw_exchange(s.port(), get_with("/api/users?q=" + std::string(1024 * 1024, 'q'), "")));
  check_refused(raw_exchange(s.port(), std::string(20 * 1024, 'G') + " / HTTP/1.1\r\n\r\n"));
  // A request line that never ends is cut off at the limit, not buffered without end.
  check_refused(raw_exchange(s.port(), "GET /" + std::string(2 * 1024 * 1024, 'a')));
  CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
}

TEST_CASE("framing: ambiguous or broken message boundaries get 400 and a close") {
  chat_server s;
  const std::string login = R"({"username":"alice","password":"correct horse"})";
  const std::string post = "POST /api/login HTTP/1.1\r\nHost: x\r\n";
  const auto length = "Content-Length: " + std::to_string(login.size()) + "\r\n";
  const std::string chunked = "Transfer-Encoding: chunked\r\n";
  const auto as_chunk = "2f\r\n" + login + "\r\n0\r\n\r\n";
  // Two lengths, or a length beside chunked: the ways to smuggle a second request past a proxy.
  for (const auto& [what, request] : std::vector<std::pair<const char*, std::string>>{
           {"two lengths", post + length + "Content-Length: 5\r\n\r\n" + login},
           {"a list of lengths", post + "Content-Length: 47, 5\r\n\r\n" + login},
           {"length and chunked", post + length + chunked + "\r\n" + as_chunk},
           {"chunked and length", post + chunked + length + "\r\n" + as_chunk},
           {"negative length", post + "Content-Length: -1\r\n\r\n" + login},
           {"length past 64 bits", post + "Content-Length: 99999999999999999999999\r\n\r\n"},
           {"space in a name", "GET /healthz HTTP/1.1\r\nHost: x\r\nX Bad: v\r\n\r\n"},
           {"no colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"},
           {"bad chunk size", post + chunked + "\r\nZZ\r\nnot hex\r\n0\r\n\r\n"},
       }) {
    INFO(what);
    check_refused(raw_exchange(s.port(), request));
  }
  CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
}

TEST_CASE("pipelining: 3000 requests on one connection are all answered, in order") {
  chat_server s;
  const auto token = s.token("alice");
  std::string pipeline;
  std::vector<int> expected;
  for (int i = 0; i < 3000; ++i) {
    switch (i % 3) {
      case 0:
        pipeline += get_with("/healthz", "");
        expected.push_back(200);
        break;
      case 1:
        pipeline += get_with("/api/me", "");
        expected.push_back(401);
        break;
      default:
        pipeline += get_with("/api/me", "Authorization: Bearer " + token + "\r\n");
        expected.push_back(200);
    }
  }
  pipeline += get_with("/nope.txt", "Connection: close\r\n");
  expected.push_back(404);
  raw_tcp flood(s.port());
  flood.write(pipeline);
  // Not reading the answers yet: they pile up in the socket while others are served.
  CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
  REQUIRE(flood.read_to_eof(std::chrono::seconds(30)));
  CHECK(statuses(flood.received()) == expected);
}
