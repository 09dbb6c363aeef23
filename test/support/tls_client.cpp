#include "support/tls_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <stdexcept>

#include "support/run_until.hpp"

namespace parley::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const asio::ip::tcp::endpoint server(std::uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

std::string common_name(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) {
    return {};
  }
  char name[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
  X509_free(cert);
  return name;
}

}  // namespace

test_certificate make_certificate(const fs::path& dir, const std::string& name,
                                  const std::string& cn) {
  test_certificate out{dir / (name + ".crt"), dir / (name + ".key")};
  const auto command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-days 2 -subj /CN=" +
      cn + " -keyout '" + out.key.string() + "' -out '" + out.cert.string() + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("openssl could not make a certificate: " + command);
  }
  return out;
}

asio::ssl::context client_context(int max_version) {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  if (max_version != 0) {
    // Debian's default security level refuses old versions on the client before the server
    // gets a say; level 0 lets the server's own refusal be what the test sees.
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), 0);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version);
  }
  return ctx;
}

http_reply https_call(std::uint16_t port, beast_http::verb method, const std::string& target,
                      const std::string& body, const std::map<std::string, std::string>& headers,
                      tls_peer* peer, int max_version) {
  asio::io_context ioc;
  auto ctx = client_context(max_version);
  asio::ssl::stream<beast::tcp_stream> stream(ioc, ctx);
  auto req = build_request(port, method, target, body, headers);
  beast::flat_buffer buffer;
  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::error_code result;
  bool done = false;
  const auto fail = [&](beast::error_code ec) {
    result = ec;
    done = true;
  };
  stream.next_layer().expires_after(10s);
  stream.next_layer().async_connect(server(port), [&](beast::error_code ec) {
    if (ec) {
      return fail(ec);
    }
    stream.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec) {
      if (ec) {
        return fail(ec);
      }
      if (peer != nullptr) {
        *peer = {common_name(stream.native_handle()), SSL_get_version(stream.native_handle())};
      }
      beast_http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) {
          return fail(ec);
        }
        beast_http::async_read(stream, buffer, parser,
                               [&](beast::error_code ec, std::size_t) { fail(ec); });
      });
    });
  });
  run_until(ioc, 15s, [&] { return done; });
  if (!done || result) {
    throw std::runtime_error("HTTPS " + target + ": " +
                             (done ? result.message() : std::string("timeout")));
  }
  return to_reply(parser.get());
}

wss_client::wss_client(std::uint16_t port, const std::string& token)
    : ctx_(client_context()), ws_(ioc_, ctx_) {
  beast::error_code result;
  bool done = false;
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_after(10s);
  tcp.async_connect(server(port), [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    ws_.next_layer().async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec) {
      if (ec) {
        result = ec;
        done = true;
        return;
      }
      beast::get_lowest_layer(ws_).expires_never();
      ws_.async_handshake("127.0.0.1", "/ws?token=" + token, [&](beast::error_code ec) {
        result = ec;
        done = true;
      });
    });
  });
  if (!run_until(ioc_, 15s, [&] { return done; }) || result) {
    throw std::runtime_error("WSS connect failed: " +
                             (done ? result.message() : std::string("timeout")));
  }
  read_type("hello");
}

void wss_client::send(const json::object& frame) {
  const auto text = json::serialize(frame);
  bool done = false;
  beast::error_code result;
  ws_.text(true);
  ws_.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  if (!run_until(ioc_, 10s, [&] { return done; }) || result) {
    throw std::runtime_error("WSS write failed");
  }
}

json::object wss_client::read_any(std::chrono::milliseconds deadline) {
  beast::flat_buffer buffer;
  bool done = false;
  beast::error_code result;
  ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  if (!run_until(ioc_, deadline, [&] { return done; }) || result) {
    // A read left pending would complete into a dead buffer: the client is unusable now.
    beast::get_lowest_layer(ws_).close();
    throw std::runtime_error("no frame over WSS: " +
                             (done ? result.message() : std::string("timeout")));
  }
  return json::parse(beast::buffers_to_string(buffer.data())).as_object();
}

json::object wss_client::read_type(const std::string& type, std::chrono::milliseconds deadline) {
  auto frame =
      read_until([this](auto left) { return std::optional(read_any(left)); },
                 [&](const json::object& f) { return f.at("type").as_string() == type; }, deadline);
  if (!frame) {
    throw std::runtime_error("no " + type + " frame over WSS");
  }
  return *frame;
}

json::object wss_client::request(json::object frame, std::chrono::milliseconds deadline) {
  const auto ref = "r" + std::to_string(next_ref_++);
  frame["ref"] = ref;
  send(frame);
  auto reply = read_until([this](auto left) { return std::optional(read_any(left)); },
                          [&](const json::object& f) { return replies_to(f, ref); }, deadline);
  if (!reply) {
    throw std::runtime_error("no reply over WSS to " + json::serialize(frame));
  }
  return *reply;
}

}  // namespace parley::test
