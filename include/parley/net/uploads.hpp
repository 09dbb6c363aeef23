#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "parley/http/responses.hpp"
#include "parley/net/http_stream.hpp"
#include "parley/net/services.hpp"

namespace parley::net {

/// Bytes read from the socket per step of an upload (and per read of a file being sent).
inline constexpr std::size_t upload_chunk_bytes = 64 * 1024;

/// What receive_upload answers, and whether the connection must close after it (a body it did
/// not read to the end).
struct upload_answer {
  http::response response;
  bool close = false;
};

/// True for `POST /api/uploads`, whose body is streamed, not read whole.
bool is_upload_request(const boost::beast::http::request_parser<boost::beast::http::empty_body>& p);

/// POST /api/uploads?name=: authenticates, checks the name, the declared type and the length
/// before reading the body; then streams the body into a spool file on the file workers (hashed
/// and type-checked as it arrives, one chunk in flight), and stores the file once per content
/// with its upload record on the store thread. The request's header is read already.
boost::asio::awaitable<upload_answer> receive_upload(
    http_stream& stream, boost::beast::flat_buffer& buffer,
    boost::beast::http::request_parser<boost::beast::http::empty_body>& head, services& svc);

/// What send_upload answered, and whether the connection stays open.
struct upload_sent {
  unsigned status = 0;
  bool keep_alive = false;
};

/// GET /uploads/<id>: the file, if the caller may see it (404 otherwise, the same as for an
/// unknown id), read on the file workers chunk by chunk while the socket takes it; 304 for a
/// matching If-None-Match.
boost::asio::awaitable<upload_sent> send_upload(http_stream& stream, const http::request& req,
                                                const std::string& id, services& svc);

}  // namespace parley::net
