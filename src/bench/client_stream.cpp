#include "parley/bench/client_stream.hpp"

#include <boost/asio/ip/address.hpp>

#include <openssl/ssl.h>

namespace parley::bench {
namespace ssl = boost::asio::ssl;

ssl::context make_tls_context() {
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_verify_mode(ssl::verify_none);
  return ctx;
}

void name_server(tls_stream::native_handle_type ssl, const std::string& host) {
  boost::system::error_code not_an_address;
  boost::asio::ip::make_address(host, not_an_address);
  if (not_an_address) {
    SSL_set_tlsext_host_name(ssl, host.c_str());
  }
}

}  // namespace parley::bench
