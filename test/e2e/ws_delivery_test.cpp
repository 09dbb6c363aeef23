// Guarantees 1, 2, 4, 5 and 6 under load and failure, against the real server.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "support/chat_server.hpp"
#include "support/frames.hpp"
#include "support/http_client.hpp"

using namespace parley::test;
namespace json = boost::json;

TEST_CASE("50 concurrent senders: nothing lost, no duplicates, one order for everyone") {
  constexpr int sessions = 50;
  constexpr int per_session = 100;
  chat_server s({"--max-queue-bytes", "67108864", "--rate-limit", "0"});
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < sessions; ++i) {
    clients.push_back(s.connect("user" + std::to_string(i % 10)));
    clients.back()->request({{"type", "join"}, {"channel", "busy"}});
  }
  std::vector<std::vector<std::pair<std::int64_t, std::string>>> received(sessions);
  std::vector<std::string> failures(sessions);
  std::vector<std::thread> threads;
  for (int i = 0; i < sessions; ++i) {
    threads.emplace_back([&, i] {
      try {
        for (int k = 0; k < per_session; ++k) {
          clients[i]->send({{"type", "send"},
                            {"channel", "busy"},
                            {"text", std::to_string(i) + ":" + std::to_string(k)}});
        }
        for (const auto& m : read_messages(*clients[i], "busy", sessions * per_session, 60s)) {
          received[i].emplace_back(m.at("id").as_int64(), str(m, "text"));
        }
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (int i = 0; i < sessions; ++i) {
    INFO("session " << i);
    REQUIRE(failures[i].empty());
    REQUIRE(received[i].size() == sessions * per_session);
    CHECK(received[i] == received[0]);  // identical order everywhere
  }
  std::set<std::string> texts;
  std::vector<int> next_k(sessions, 0);
  for (std::size_t j = 0; j < received[0].size(); ++j) {
    CHECK(received[0][j].first == static_cast<std::int64_t>(j + 1));  // dense, increasing
    texts.insert(received[0][j].second);
    // Each sender's messages arrive in the order it sent them.
    const auto& text = received[0][j].second;
    const int sender = std::stoi(text.substr(0, text.find(':')));
    const int k = std::stoi(text.substr(text.find(':') + 1));
    CHECK(k == next_k[sender]++);
  }
  CHECK(texts.size() == sessions * per_session);
  CHECK(metric(s.port(), "parley_messages_total") == sessions * per_session);
  CHECK(metric(s.port(), "parley_deliveries_total") == sessions * per_session * sessions);
}

TEST_CASE("join with since replays stored messages, then live ones, with no gap or duplicate") {
  chat_server s({"--rate-limit", "0", "--max-queue-bytes", "67108864"});
  auto writer = s.connect("writer");
  writer->request({{"type", "join"}, {"channel", "stream"}});
  for (int i = 1; i <= 1200; ++i) {
    writer->send({{"type", "send"}, {"channel", "stream"}, {"text", std::to_string(i)}});
  }
  read_messages(*writer, "stream", 1200);

  // A second writer keeps sending while the reader joins with since.
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::atomic<bool> writer_done{false};
  std::string writer_error;
  std::thread background([&] {
    try {
      auto w = s.connect("writer2");
      w->request({{"type", "join"}, {"channel", "stream"}});
      for (int i = 0; i < 2000 && !stop; ++i) {
        w->request({{"type", "send"}, {"channel", "stream"}, {"text", "live"}});
        ++sent;
      }
    } catch (const std::exception& e) {
      writer_error = e.what();
    }
    writer_done = true;
  });
  // Bounded: a writer that fails early ends the wait, and its error is checked after the join.
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  for (int i = 0;
       i < 1'000'000 && sent < 50 && !writer_done && std::chrono::steady_clock::now() < give_up;
       ++i) {
    std::this_thread::sleep_for(1ms);
  }
  auto reader = s.connect("reader");
  const auto joined = reader->request({{"type", "join"}, {"channel", "stream"}, {"since", 100}});
  CHECK(str(joined, "type") == "joined");
  // Read what has come so far, then stop the writer and read up to its last message.
  auto first = read_messages(*reader, "stream", 1500);
  stop = true;
  background.join();
  REQUIRE(writer_error.empty());
  const auto total = 1200 + sent.load();
  auto rest = read_messages(*reader, "stream", static_cast<std::size_t>(total - 100 - 1500));
  first.insert(first.end(), rest.begin(), rest.end());
  REQUIRE(first.size() == static_cast<std::size_t>(total - 100));
  for (std::size_t i = 0; i < first.size(); ++i) {
    INFO("position " << i);
    REQUIRE(first[i].at("id").as_int64() == static_cast<std::int64_t>(101 + i));
  }
  CHECK(str(first[0], "text") == "101");
  CHECK(str(reader->request({{"type", "ping"}}), "type") == "pong");  // and nothing more
}

TEST_CASE("a delivered message survives kill -9, sequences continue after restart") {
  chat_server s({"--rate-limit", "0"});
  constexpr int n = 300;
  {
    auto c = s.connect("alice");
    c->request({{"type", "join"}, {"channel", "durable"}});
    for (int i = 1; i <= n; ++i) {
      c->send({{"type", "send"}, {"channel", "durable"}, {"text", "m" + std::to_string(i)}});
    }
    const auto echoed = read_messages(*c, "durable", n);
    CHECK(echoed.back().at("id").as_int64() == n);
    s.process->kill_now();  // SIGKILL right after the last echo
  }
  s.restart();
  auto c = s.connect("alice");
  c->request({{"type", "join"}, {"channel", "durable"}, {"since", 0}});
  const auto replayed = read_messages(*c, "durable", n);
  for (int i = 0; i < n; ++i) {
    CHECK(replayed[i].at("id").as_int64() == i + 1);
    CHECK(str(replayed[i], "text") == "m" + std::to_string(i + 1));
  }
  const auto next = c->request({{"type", "send"}, {"channel", "durable"}, {"text", "after"}});
  CHECK(next.at("id").as_int64() == n + 1);
}

TEST_CASE("a client that never reads is closed 1008 while the others keep receiving") {
  chat_server s({"--max-queue-bytes", "65536", "--rate-limit", "0"});
  auto sleeper = s.connect("sleeper");
  sleeper->request({{"type", "join"}, {"channel", "flood"}});
  auto sender = s.connect("sender");
  sender->request({{"type", "join"}, {"channel", "flood"}});
  auto watcher = s.connect("watcher");
  watcher->request({{"type", "join"}, {"channel", "flood"}});
  const std::string text(2000, 'f');
  // Enough to overflow the sleeper's socket buffers and then its 64 KiB queue.
  constexpr int n = 3000;
  for (int i = 0; i < n; ++i) {
    sender->send({{"type", "send"}, {"channel", "flood"}, {"text", text}});
    if (i % 10 == 9) {  // the readers stay well within their own 64 KiB queues
      read_messages(*sender, "flood", 10);
      read_messages(*watcher, "flood", 10);
    }
  }
  CHECK(metric(s.port(), "parley_slow_consumer_closes_total") == 1);
  CHECK(sleeper->read_close(30s) == 1008);
  CHECK(str(sender->request({{"type", "ping"}}), "type") == "pong");
}

TEST_CASE("frames over the rate limit get rate_limited, each with its ref") {
  chat_server s({"--rate-limit", "1", "--rate-burst", "5"});
  auto c = s.connect("alice");
  for (int i = 0; i < 20; ++i) {
    c->send({{"type", "ping"}, {"ref", "p" + std::to_string(i)}});
  }
  int pongs = 0;
  std::set<std::string> limited;
  for (int i = 0; i < 20; ++i) {
    const auto f = c->read();
    if (str(f, "type") == "pong") {
      ++pongs;
    } else {
      CHECK(str(f, "code") == "rate_limited");
      limited.insert(str(f, "ref"));
    }
  }
  CHECK(pongs >= 5);
  CHECK(pongs <= 7);  // the burst, plus what one token per second adds during the test
  CHECK(limited.size() == static_cast<std::size_t>(20 - pongs));
  CHECK(metric(s.port(), "parley_rate_limited_total") == 20u - static_cast<unsigned>(pongs));
}

TEST_CASE("SIGTERM closes every WebSocket with 1001 and exits 0") {
  chat_server s;
  auto a = s.connect("alice");
  auto b = s.connect("bob");
  a->request({{"type", "join"}, {"channel", "bye"}});
  const auto sent = a->request({{"type", "send"}, {"channel", "bye"}, {"text", "last words"}});
  REQUIRE(str(sent, "type") == "message");
  // Catch2's assertions are for the test's own thread: the stopper only records the exit status.
  int exit_status = -2;
  std::thread stopper([&] {
    try {
      exit_status = s.process->terminate();
    } catch (const std::exception&) {
      exit_status = -3;  // no exit within the deadline
    }
  });
  CHECK(a->read_close() == 1001);
  CHECK(b->read_close() == 1001);
  stopper.join();
  CHECK(exit_status == 0);
  s.restart();
  auto c = s.connect("carol");
  const auto h = c->request({{"type", "history"}, {"channel", "bye"}});
  REQUIRE(h.at("messages").as_array().size() == 1);
}

TEST_CASE("metrics count sessions, channels and frames") {
  chat_server s;
  auto a = s.connect("alice");
  a->request({{"type", "join"}, {"channel", "m1"}});
  a->request({{"type", "send"}, {"channel", "m1"}, {"text", "x"}});
  a->request({{"type", "join"}, {"channel", "nope bad"}});
  CHECK(metric(s.port(), "parley_ws_sessions") == 1);
  CHECK(metric(s.port(), "parley_channels") == 1);
  CHECK(metric(s.port(), "parley_messages_total") == 1);
  const auto body = http_call(s.port(), boost::beast::http::verb::get, "/metrics").body;
  CHECK(body.find("parley_ws_frames_in_total{type=\"join\"} 2") != std::string::npos);
  CHECK(body.find("parley_ws_frames_in_total{type=\"send\"} 1") != std::string::npos);
  CHECK(body.find("parley_errors_total{code=\"invalid_channel\"} 1") != std::string::npos);
  CHECK(metric(s.port(), "parley_store_commit_seconds_count") == 1);
  // The sender's echo: one message frame written, timed from its commit.
  CHECK(metric(s.port(), "parley_delivery_seconds_count") == 1);
  CHECK(body.find("parley_delivery_seconds_bucket{le=\"+Inf\"} 1") != std::string::npos);
  CHECK(body.find("parley_thread_queue_depth{thread=\"0\"} 0") != std::string::npos);
  CHECK(metric(s.port(), "parley_http_request_duration_seconds_count") >= 1);
  CHECK(body.find("parley_ws_frames_out_total{type=\"hello\"} 1") != std::string::npos);
  CHECK(body.find("parley_ws_frames_out_total{type=\"joined\"} 1") != std::string::npos);
  CHECK(body.find("parley_ws_frames_out_total{type=\"message\"} 1") != std::string::npos);
  CHECK(body.find("parley_ws_frames_out_total{type=\"error\"} 1") != std::string::npos);
  a->close();
  // The session count drops once the server has seen the close.
  for (int i = 0; i < 200 && metric(s.port(), "parley_ws_sessions") != 0; ++i) {
    s.process->wait_for_log("never printed", 10ms);
  }
  CHECK(metric(s.port(), "parley_ws_sessions") == 0);
  CHECK(metric(s.port(), "parley_channels") == 0);
}
