#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "parley/bench/scenarios.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr const char* bench_password = "parley-bench-password";

http::response<http::string_body> post(const target& server, const std::string& path,
                                       const std::string& body) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  asio::ip::tcp::resolver resolver(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(resolver.resolve(server.host, std::to_string(server.port)));
  http::request<http::string_body> req(http::verb::post, path, 11);
  req.set(http::field::host, server.host);
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return res;
}

}  // namespace

std::vector<std::string> login_users(const target& server, unsigned count) {
  std::vector<std::string> tokens;
  for (unsigned i = 0; i < count; ++i) {
    const auto body = boost::json::serialize(boost::json::object{
        {"username", "bench-" + std::to_string(i)}, {"password", bench_password}});
    const auto signup = post(server, "/api/signup", body);
    if (signup.result_int() != 201 && signup.result_int() != 409) {
      throw std::runtime_error("signup failed: " + signup.body());
    }
    const auto login = post(server, "/api/login", body);
    if (login.result_int() != 200) {
      throw std::runtime_error("login failed: " + login.body());
    }
    tokens.emplace_back(boost::json::parse(login.body()).at("token").as_string());
  }
  return tokens;
}

}  // namespace parley::bench
