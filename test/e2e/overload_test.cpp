// Holding up under malice (issue 14): slowloris headers, idle half-open connections, a flood of
// typing indicators, and the frame rate limit covering join and create.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "support/chat_server.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"
#include "support/raw_ws.hpp"

using namespace parley::test;
using namespace std::chrono_literals;
using boost::beast::http::verb;
using clock_type = std::chrono::steady_clock;

namespace {

/// The header deadline documented in docs/security.md.
constexpr auto header_deadline = 10s;

/// A connected TCP socket that never sends anything; -1 if the connection failed.
int silent_connection(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) {
      ::close(fd);
    }
    return -1;
  }
  return fd;
}

/// True once the server has closed `fd` (EOF or reset), waiting at most until `until`.
bool closed_by_server(int fd, clock_type::time_point until) {
  for (int i = 0; i < 1000; ++i) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_type::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) {
      return false;
    }
    char byte;
    const auto n = ::recv(fd, &byte, 1, 0);
    if (n <= 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("slowloris: a header dribbled byte by byte is cut off at the header deadline") {
  chat_server s;
  raw_tcp slow(s.port());
  const auto start = clock_type::now();
  slow.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  bool cut = false;
  for (int i = 0; i < 100 && !cut; ++i) {  // one byte every 300 ms, for at most 30 s
    try {
      slow.write("a");
    } catch (const std::exception&) {
      cut = true;  // the server closed: writing fails
      break;
    }
    // The attacker's pace; returns early if the server closes.
    slow.read_until([](const std::string&) { return false; }, 300ms);
    cut = slow.eof();
    if (i == 10) {
      // Meanwhile everyone else is served.
      CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
    }
  }
  const auto elapsed = clock_type::now() - start;
  REQUIRE(cut);
  CHECK(elapsed >= header_deadline - 1s);
  CHECK(elapsed < header_deadline + 5s);
  CHECK(slow.received().empty());  // no answer to a request never finished
}

TEST_CASE("half-open: hundreds of silent connections neither block others nor stay forever") {
  chat_server s;
  std::vector<int> silent;
  for (int i = 0; i < 400; ++i) {
    const int fd = silent_connection(s.port());
    REQUIRE(fd >= 0);
    silent.push_back(fd);
  }
  const auto opened = clock_type::now();
  CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
  auto alice = s.connect("alice");
  auto bob = s.connect("bob");
  for (auto* c : {alice.get(), bob.get()}) {
    REQUIRE(str(c->request({{"type", "join"}, {"channel", "general"}}), "type") == "joined");
  }
  alice->send({{"type", "send"}, {"channel", "general"}, {"text", "through the crowd"}});
  CHECK(str(bob->read_type("message"), "text") == "through the crowd");

  std::size_t closed = 0;
  for (const int fd : silent) {
    closed += closed_by_server(fd, opened + header_deadline + 5s) ? 1 : 0;
    ::close(fd);
  }
  CHECK(closed == silent.size());
  CHECK(http_call(s.port(), verb::get, "/healthz").status == 200);
}

TEST_CASE("a flood of typing reaches the channel as a trickle") {
  chat_server s;
  auto alice = s.connect("alice");
  auto bob = s.connect("bob");
  for (auto* c : {alice.get(), bob.get()}) {
    REQUIRE(str(c->request({{"type", "join"}, {"channel", "general"}}), "type") == "joined");
  }
  for (int i = 0; i < 60; ++i) {
    alice->send({{"type", "typing"}, {"channel", "general"}});
  }
  // Dropped silently: alice's next reply is her message's echo, no error.
  CHECK(str(alice->request({{"type", "send"}, {"channel", "general"}, {"text", "after the flood"}}),
            "type") == "message");
  // typing is not ordered against messages (a stored message may overtake it), but by the time a
  // later message is stored, whatever typing got through has been delivered.
  alice->send({{"type", "send"}, {"channel", "general"}, {"text", "end"}});
  int typing = 0;
  for (int i = 0; i < 100; ++i) {
    const auto frame = bob->read();
    if (str(frame, "type") == "typing") {
      ++typing;
      CHECK(str(frame, "user") == "alice");
    } else if (str(frame, "type") == "message" && str(frame, "text") == "end") {
      break;
    }
  }
  // A burst of 3, plus one per second the flood took to send.
  CHECK(typing >= 1);
  CHECK(typing <= 5);
}

TEST_CASE("the frame rate limit counts join and create like any frame") {
  chat_server s({"--rate-limit", "2", "--rate-burst", "5"});
  auto alice = s.connect("alice");
  for (int i = 0; i < 30; ++i) {
    alice->send({{"type", "create"},
                 {"channel", "room-" + std::to_string(i)},
                 {"ref", "c" + std::to_string(i)}});
  }
  int created = 0;
  int limited = 0;
  for (int i = 0; i < 30; ++i) {
    const auto frame = alice->read();
    if (str(frame, "type") == "created") {
      ++created;
    } else if (str(frame, "type") == "error" && str(frame, "code") == "rate_limited") {
      ++limited;
    }
  }
  CHECK(created + limited == 30);
  CHECK(created >= 5);
  CHECK(created <= 8);
}
