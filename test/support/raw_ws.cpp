#include "support/raw_ws.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>

namespace parley::test {
namespace asio = boost::asio;

std::string masked_frame(std::uint8_t first_byte, std::string_view payload, std::uint32_t key) {
  std::string out;
  out += static_cast<char>(first_byte);
  const auto n = payload.size();
  if (n < 126) {
    out += static_cast<char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i) {
      out += static_cast<char>(static_cast<std::uint64_t>(n) >> (8 * i));
    }
  }
  const char mask[4] = {char(key >> 24), char(key >> 16), char(key >> 8), char(key)};
  out.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) {
    out += static_cast<char>(payload[i] ^ mask[i & 3]);
  }
  return out;
}

std::vector<server_frame> split_frames(std::string_view bytes) {
  std::vector<server_frame> out;
  while (bytes.size() >= 2) {
    std::size_t header = 2;
    std::uint64_t n = static_cast<std::uint8_t>(bytes[1]) & 0x7F;
    if (n == 126) {
      header = 4;
    } else if (n == 127) {
      header = 10;
    }
    if (bytes.size() < header) {
      break;
    }
    if (n >= 126) {
      n = 0;
      for (std::size_t i = 2; i < header; ++i) {
        n = (n << 8) | static_cast<std::uint8_t>(bytes[i]);
      }
    }
    if (bytes.size() - header < n) {
      break;
    }
    out.push_back({static_cast<std::uint8_t>(bytes[0] & 0x0F),
                   std::string(bytes.substr(header, static_cast<std::size_t>(n)))});
    bytes.remove_prefix(header + static_cast<std::size_t>(n));
  }
  return out;
}

std::uint16_t close_code_of(const server_frame& f) {
  if (f.payload.size() < 2) {
    return 0;
  }
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(f.payload[0]) << 8) |
                                    static_cast<std::uint8_t>(f.payload[1]));
}

raw_tcp::raw_tcp(std::uint16_t port) : socket_(ioc_) {
  socket_.connect({asio::ip::make_address("127.0.0.1"), port});
}

raw_ws::raw_ws(std::uint16_t port, const std::string& token, const std::string& extra,
               const std::string& version)
    : raw_tcp(port) {
  const std::string upgrade =
      "GET /ws?token=" + token +
      " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " +
      version + "\r\n\r\n";
  write(upgrade + extra);
}

void raw_tcp::write(const std::string& bytes) {
  boost::system::error_code result = asio::error::timed_out;
  bool writing = true;
  asio::async_write(socket_, asio::buffer(bytes), [&](boost::system::error_code ec, std::size_t) {
    writing = false;
    result = ec;
  });
  ioc_.restart();
  ioc_.run_for(std::chrono::seconds(10));
  if (writing) {
    socket_.cancel();
    ioc_.restart();
    ioc_.run();  // lets the cancelled write finish before `bytes` goes away
    result = asio::error::timed_out;
  }
  if (result) {
    throw boost::system::system_error(result, "raw write");
  }
}

bool raw_tcp::read_until(const std::function<bool(const std::string&)>& done,
                         std::chrono::milliseconds deadline) {
  std::array<char, 4096> chunk{};
  bool reading = false;
  std::function<void(boost::system::error_code, std::size_t)> on_read =
      [&](boost::system::error_code ec, std::size_t n) {
        reading = false;
        received_.append(chunk.data(), n);
        if (ec) {
          eof_ = ec != asio::error::operation_aborted;
          return;
        }
        if (done(received_)) {
          return;
        }
        reading = true;
        socket_.async_read_some(asio::buffer(chunk), on_read);
      };
  if (done(received_)) {
    return true;
  }
  if (eof_) {
    return false;
  }
  reading = true;
  socket_.async_read_some(asio::buffer(chunk), on_read);
  ioc_.restart();
  ioc_.run_for(deadline);
  if (reading) {
    socket_.cancel();
    ioc_.restart();
    ioc_.run();  // lets the cancelled read finish before `chunk` goes away
  }
  return done(received_);
}

bool raw_tcp::read_to_eof(std::chrono::milliseconds deadline) {
  read_until([](const std::string&) { return false; }, deadline);
  return eof_;
}

bool raw_ws::has_frame(std::uint8_t opcode, std::string_view payload_part) const {
  const auto all = frames();
  return std::any_of(all.begin(), all.end(), [&](const server_frame& f) {
    return f.opcode == opcode && f.payload.find(payload_part) != std::string::npos;
  });
}

std::uint16_t raw_ws::read_close_code(std::chrono::milliseconds deadline) {
  if (!read_until([&](const std::string&) { return has_frame(0x8, ""); }, deadline)) {
    return 0;
  }
  for (const auto& f : frames()) {
    if (f.opcode == 0x8) {
      return close_code_of(f);
    }
  }
  return 0;
}

std::vector<server_frame> raw_ws::frames() const {
  const auto head = received().find("\r\n\r\n");
  if (head == std::string::npos) {
    return {};
  }
  return split_frames(std::string_view(received()).substr(head + 4));
}

}  // namespace parley::test
