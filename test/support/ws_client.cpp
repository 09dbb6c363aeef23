#include "support/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <stdexcept>

#include "support/run_until.hpp"

namespace parley::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;

ws_client::ws_client(std::uint16_t port, const std::string& token)
    : ws_client(endpoint{"127.0.0.1", port}, token) {}

ws_client::ws_client(const endpoint& to, const std::string& token) : ws_(ioc_) {
  bool finished = false;
  beast::error_code result;
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.async_connect({asio::ip::make_address(to.host), to.port}, [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      finished = true;
      return;
    }
    ws_.async_handshake(to.host, "/ws?token=" + token, [&](beast::error_code ec) {
      result = ec;
      finished = true;
    });
  });
  run_until(ioc_, 10s, [&] { return finished; });
  if (!finished || result) {
    throw std::runtime_error("WebSocket connect failed: " +
                             (finished ? result.message() : std::string("timeout")));
  }
  ws_.read_message_max(16 * 1024 * 1024);
  hello_ = read_type("hello");
}

ws_client::~ws_client() {
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void ws_client::send_text(const std::string& text) {
  ws_.text(true);
  bool finished = false;
  beast::error_code result;
  ws_.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
    result = ec;
    finished = true;
  });
  run_until(ioc_, 10s, [&] { return finished; });
  if (!finished || result) {
    throw std::runtime_error("WebSocket write failed");
  }
}

void ws_client::send(const json::object& frame) {
  send_text(json::serialize(frame));
}

void ws_client::send_binary(const std::string& bytes) {
  ws_.binary(true);
  bool finished = false;
  ws_.async_write(asio::buffer(bytes), [&](beast::error_code, std::size_t) { finished = true; });
  run_until(ioc_, 10s, [&] { return finished; });
  ws_.text(true);
}

bool ws_client::run_read(std::chrono::milliseconds deadline) {
  if (!read_pending_) {
    read_pending_ = true;
    read_done_ = false;
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      read_ec_ = ec;
      read_done_ = true;
    });
  }
  run_until(ioc_, deadline, [&] { return read_done_; });
  if (!read_done_) {
    return false;
  }
  read_pending_ = false;
  return true;
}

std::optional<json::object> ws_client::try_read(std::chrono::milliseconds deadline) {
  if (!run_read(deadline)) {
    return std::nullopt;
  }
  if (read_ec_) {
    throw std::runtime_error("WebSocket read failed: " + read_ec_.message());
  }
  auto text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  return json::parse(text).as_object();
}

json::object ws_client::read(std::chrono::milliseconds deadline) {
  auto frame = try_read(deadline);
  if (!frame) {
    throw std::runtime_error("no frame within the deadline");
  }
  return *frame;
}

json::object ws_client::read_type(const std::string& type, std::chrono::milliseconds deadline) {
  auto frame =
      read_until([this](auto left) { return try_read(left); },
                 [&](const json::object& f) { return f.at("type").as_string() == type; }, deadline);
  if (!frame) {
    throw std::runtime_error("no '" + type + "' frame within the deadline");
  }
  return *frame;
}

json::object ws_client::request(json::object frame, std::chrono::milliseconds deadline) {
  const auto ref = "r" + std::to_string(next_ref_++);
  frame["ref"] = ref;
  send(frame);
  auto reply = read_until([this](auto left) { return try_read(left); },
                          [&](const json::object& f) { return replies_to(f, ref); }, deadline);
  if (!reply) {
    throw std::runtime_error("no reply to " + json::serialize(frame));
  }
  return *reply;
}

int ws_client::read_close(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (int i = 0; i < 1'000'000; ++i) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (!run_read(std::max(left, 0ms))) {
      throw std::runtime_error("the server did not close within the deadline");
    }
    buffer_.consume(buffer_.size());
    if (read_ec_ == websocket::error::closed) {
      return ws_.reason().code;
    }
    if (read_ec_) {
      return -1;  // closed without a close frame
    }
  }
  throw std::runtime_error("too many frames before the close");
}

void ws_client::close() {
  if (!ws_.is_open()) {
    return;
  }
  bool finished = false;
  ws_.async_close(websocket::close_code::normal, [&](beast::error_code) { finished = true; });
  run_until(ioc_, 5s, [&] { return finished; });
}

http_reply ws_upgrade(std::uint16_t port, const std::string& target,
                      const std::map<std::string, std::string>& headers) {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  ws.set_option(websocket::stream_base::decorator([&headers](websocket::request_type& req) {
    for (const auto& [name, value] : headers) {
      req.set(name, value);
    }
  }));
  websocket::response_type res;
  bool finished = false;
  beast::get_lowest_layer(ws).async_connect(
      {asio::ip::make_address("127.0.0.1"), port}, [&](beast::error_code ec) {
        if (ec) {
          finished = true;
          return;
        }
        ws.async_handshake(res, "127.0.0.1:" + std::to_string(port), target,
                           [&](beast::error_code) { finished = true; });
      });
  run_until(ioc, 10s, [&] { return finished; });
  return to_reply(res);
}

unsigned ws_upgrade_status(std::uint16_t port, const std::string& target, const std::string& cookie,
                           const std::string& origin) {
  std::map<std::string, std::string> headers;
  if (!cookie.empty()) {
    headers["Cookie"] = cookie;
  }
  if (!origin.empty()) {
    headers["Origin"] = origin;
  }
  return ws_upgrade(port, target, headers).status;
}

}  // namespace parley::test
