#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <stdexcept>

#include "support/raw_ws.hpp"

namespace parley::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;

namespace {
constexpr auto deadline = std::chrono::seconds(10);

beast_http::request<beast_http::string_body> build_request(
    const endpoint& to, beast_http::verb method, const std::string& target, const std::string& body,
    const std::map<std::string, std::string>& headers) {
  beast_http::request<beast_http::string_body> req(method, target, 11);
  req.set(beast_http::field::host, to.host + ":" + std::to_string(to.port));
  for (const auto& [k, v] : headers) {
    req.set(k, v);
  }
  if (!body.empty() || method == beast_http::verb::post) {
    if (req[beast_http::field::content_type].empty()) {
      req.set(beast_http::field::content_type, "application/json");
    }
    req.body() = body;
    req.prepare_payload();
  }
  return req;
}

}  // namespace

boost::json::value http_reply::json() const {
  return boost::json::parse(body);
}

std::string http_reply::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

beast_http::request<beast_http::string_body> build_request(
    std::uint16_t port, beast_http::verb method, const std::string& target, const std::string& body,
    const std::map<std::string, std::string>& headers) {
  return build_request(endpoint{"127.0.0.1", port}, method, target, body, headers);
}

http_reply to_reply(const beast_http::response<beast_http::string_body>& res) {
  http_reply out;
  out.status = res.result_int();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = res.body();
  return out;
}

http_reply http_call(std::uint16_t port, beast_http::verb method, const std::string& target,
                     const std::string& body, const std::map<std::string, std::string>& headers) {
  return http_call(endpoint{"127.0.0.1", port}, method, target, body, headers);
}

http_reply http_call(const endpoint& to, beast_http::verb method, const std::string& target,
                     const std::string& body, const std::map<std::string, std::string>& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  auto req = build_request(to, method, target, body, headers);
  beast::flat_buffer buffer;
  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == beast_http::verb::head) {
    parser.skip(true);
  }
  beast::error_code result;
  stream.expires_after(deadline);
  stream.async_connect({asio::ip::make_address(to.host), to.port}, [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      return;
    }
    beast_http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        result = ec;
        return;
      }
      beast_http::async_read(stream, buffer, parser,
                             [&](beast::error_code ec, std::size_t) { result = ec; });
    });
  });
  ioc.run();
  if (result) {
    throw std::runtime_error("HTTP " + std::string(beast_http::to_string(method)) + " " + target +
                             ": " + result.message());
  }
  return to_reply(parser.get());
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  raw_tcp connection(port);
  try {
    connection.write(bytes);
  } catch (const boost::system::system_error&) {
    // The server may close before taking everything (a request it refused early): its answer
    // is still worth reading.
  }
  connection.read_to_eof(deadline);
  return connection.received();
}

void check_error(const http_reply& r, unsigned status, const std::string& code) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.header("content-type") == "application/json");
  const auto body = r.json();
  CHECK(body.at("error").at("code").as_string() == code);
  CHECK(body.at("error").at("message").is_string());
  CHECK_FALSE(body.at("error").at("message").as_string().empty());
}

std::string signup_and_login(std::uint16_t port, const std::string& username,
                             const std::string& password) {
  return signup_and_login(endpoint{"127.0.0.1", port}, username, password);
}

std::string signup_and_login(const endpoint& to, const std::string& username,
                             const std::string& password) {
  const auto creds =
      boost::json::serialize(boost::json::object{{"username", username}, {"password", password}});
  const auto signup = http_call(to, beast_http::verb::post, "/api/signup", creds);
  if (signup.status != 201 && signup.status != 409) {
    throw std::runtime_error("signup failed: " + signup.body);
  }
  const auto login = http_call(to, beast_http::verb::post, "/api/login", creds);
  if (login.status != 200) {
    throw std::runtime_error("login failed: " + login.body);
  }
  return std::string(login.json().at("token").as_string());
}

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace parley::test
