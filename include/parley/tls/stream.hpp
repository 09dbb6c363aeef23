#pragma once

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace parley::tls {

/// A TLS connection over a TCP stream whose deadlines the HTTP layer sets. Beast's ssl_stream
/// would add a write-coalescing buffer per connection that our single-buffer writes never need.
using stream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

}  // namespace parley::tls
