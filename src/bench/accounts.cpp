#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "parley/bench/client_stream.hpp"
#include "parley/bench/scenarios.hpp"

namespace parley::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr const char* bench_password = "parley-bench-password";

/// One request and its response on `stream`, a connected plain or TLS stream.
template <class Stream>
http::response<http::string_body> exchange(Stream& stream, const target& server,
                                           const std::string& path, const std::string& body) {
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

/// POSTs on a fresh connection: HTTPS with `tls` (the server's wss:// URL), else HTTP.
http::response<http::string_body> post(const target& server, asio::ssl::context* tls,
                                       const std::string& path, const std::string& body) {
  asio::io_context ioc;
  beast::tcp_stream tcp(ioc);
  asio::ip::tcp::resolver resolver(ioc);
  tcp.expires_after(std::chrono::seconds(30));
  tcp.connect(resolver.resolve(server.host, std::to_string(server.port)));
  if (!tls) {
    return exchange(tcp, server, path, body);
  }
  asio::ssl::stream<beast::tcp_stream&> stream(tcp, *tls);
  name_server(stream.native_handle(), server.host);
  stream.handshake(asio::ssl::stream_base::client);
  return exchange(stream, server, path, body);
}

}  // namespace

std::vector<std::string> login_users(const target& server, unsigned count) {
  auto tls = server.tls ? std::optional(make_tls_context()) : std::nullopt;
  std::vector<std::string> tokens;
  for (unsigned i = 0; i < count; ++i) {
    const auto body = boost::json::serialize(boost::json::object{
        {"username", "bench-" + std::to_string(i)}, {"password", bench_password}});
    const auto signup = post(server, tls ? &*tls : nullptr, "/api/signup", body);
    if (signup.result_int() != 201 && signup.result_int() != 409) {
      throw std::runtime_error("signup failed: " + signup.body());
    }
    const auto login = post(server, tls ? &*tls : nullptr, "/api/login", body);
    if (login.result_int() != 200) {
      throw std::runtime_error("login failed: " + login.body());
    }
    tokens.emplace_back(boost::json::parse(login.body()).at("token").as_string());
  }
  return tokens;
}

}  // namespace parley::bench
