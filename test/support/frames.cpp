#include "support/frames.hpp"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <regex>
#include <stdexcept>

#include "support/http_client.hpp"

namespace parley::test {

std::string str(const boost::json::object& o, const char* key) {
  return std::string(o.at(key).as_string());
}

void check_error(const boost::json::object& frame, const std::string& code) {
  INFO(boost::json::serialize(frame));
  CHECK(str(frame, "type") == "error");
  CHECK(str(frame, "code") == code);
  CHECK(frame.at("message").is_string());
}

std::vector<boost::json::object> read_messages(ws_client& c, const std::string& channel,
                                               std::size_t count,
                                               std::chrono::milliseconds deadline) {
  std::vector<boost::json::object> out;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (out.size() < count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    auto f = c.try_read(std::max(left, 0ms));
    if (!f) {
      throw std::runtime_error("only " + std::to_string(out.size()) + " of " +
                               std::to_string(count) + " messages arrived");
    }
    if (str(*f, "type") == "message" && str(*f, "channel") == channel) {
      out.push_back(std::move(*f));
    }
  }
  return out;
}

std::vector<std::int64_t> ids_of(const std::vector<boost::json::object>& messages) {
  std::vector<std::int64_t> out;
  out.reserve(messages.size());
  for (const auto& m : messages) {
    out.push_back(m.at("id").as_int64());
  }
  return out;
}

std::uint64_t metric(std::uint16_t port, const std::string& name) {
  return metric(endpoint{"127.0.0.1", port}, name);
}

std::uint64_t metric(const endpoint& at, const std::string& name) {
  const auto body = http_call(at, boost::beast::http::verb::get, "/metrics").body;
  std::smatch m;
  if (!std::regex_search(body, m, std::regex("\n" + name + " ([0-9.e+]+)"))) {
    throw std::runtime_error("no metric " + name);
  }
  return static_cast<std::uint64_t>(std::stod(m[1].str()));
}

void join(ws_client& c, const std::string& channel) {
  const auto reply = c.request({{"type", "join"}, {"channel", channel}});
  REQUIRE(str(reply, "type") == "joined");
}

std::int64_t send_text(ws_client& c, const std::string& channel, const std::string& text) {
  const auto echo = c.request({{"type", "send"}, {"channel", channel}, {"text", text}});
  REQUIRE(str(echo, "type") == "message");
  return echo.at("id").as_int64();
}

bool await_user_event(ws_client& c, const std::string& type, const std::string& channel,
                      const std::string& user, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (int i = 0; i < 10000; ++i) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left <= 0ms) {
      return false;
    }
    auto f = c.try_read(left);
    if (!f) {
      return false;
    }
    if (str(*f, "type") == type && str(*f, "channel") == channel && str(*f, "user") == user) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> present(ws_client& c, const std::string& channel) {
  const auto reply = c.request({{"type", "presence"}, {"channel", channel}});
  std::vector<std::string> out;
  for (const auto& u : reply.at("users").as_array()) {
    out.emplace_back(u.as_string());
  }
  return out;
}

}  // namespace parley::test
