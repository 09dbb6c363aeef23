// GET /uploads/<id>: the file, read off the I/O thread while the socket takes it.
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>

#include "parley/http/handlers.hpp"
#include "parley/log/log.hpp"
#include "parley/model/upload.hpp"
#include "parley/net/http_session.hpp"
#include "parley/net/uploads.hpp"
#include "parley/store/uploads.hpp"
#include "parley/upload/file_name.hpp"
#include "parley/upload/media_type.hpp"
#include "parley/upload/spool_file.hpp"
#include "parley/util/offload.hpp"
#include "parley/util/with_error.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;
using asio::awaitable;
using status = beast_http::status;

namespace {

/// An open stored file, closed when the last reader lets go (on whichever thread that is).
using open_file = std::shared_ptr<std::FILE>;

void cache_headers(beast_http::fields& fields, const std::string& etag) {
  http::common_headers(fields);
  fields.set(beast_http::field::etag, etag);
  fields.set(beast_http::field::cache_control, "private, max-age=31536000, immutable");
}

awaitable<upload_sent> write_small(http_stream& stream, http::response res) {
  res.prepare_payload();
  stream.tcp().expires_after(http_write_timeout);
  const upload_sent out{res.result_int(), res.keep_alive()};
  auto [ec, _] = co_await beast_http::async_write(stream, res, util::with_error);
  co_return upload_sent{out.status, out.keep_alive && !ec};
}

}  // namespace

awaitable<upload_sent> send_upload(http_stream& stream, const http::request& req,
                                   const std::string& id, services& svc) {
  const auto claims = http::authenticate(svc.api, req, false);
  if (!claims) {
    co_return co_await write_small(
        stream, http::error_response(req, status::unauthorized, error::code::unauthorized));
  }
  auto finding = svc.chat.db.run([id, uid = claims->user_id](store::database& db) {
    std::optional<model::upload> out;
    if (store::may_read_upload(db, id, uid)) {
      out = store::find_upload(db, id);
    }
    return out;
  });
  const auto found = co_await std::move(finding);
  if (!found) {
    co_return co_await write_small(
        stream, http::error_response(req, status::not_found, error::code::not_found));
  }
  const auto etag = "\"" + found->sha256 + "\"";
  if (http::etag_matches(req[beast_http::field::if_none_match], etag)) {
    http::response res(status::not_modified, req.version());
    cache_headers(res.base(), etag);
    res.keep_alive(req.keep_alive());
    co_return co_await write_small(stream, std::move(res));
  }

  const auto path = upload::stored_path(svc.cfg.upload_dir, found->sha256);
  auto opening = util::offload(svc.files.get_executor(), [path] {
    return open_file(std::fopen(path.c_str(), "rb"), [](std::FILE* f) {
      if (f != nullptr) {
        std::fclose(f);
      }
    });
  });
  const auto file = co_await std::move(opening);
  if (!file) {
    PARLEY_LOG(error, "upload") << "upload " << id << ": its file " << path << " is missing";
    co_return co_await write_small(
        stream, http::error_response(req, status::not_found, error::code::not_found));
  }

  beast_http::response<beast_http::buffer_body> res(status::ok, req.version());
  cache_headers(res.base(), etag);
  res.set(beast_http::field::content_type,
          found->type == "text/plain" ? "text/plain; charset=utf-8" : found->type);
  res.set(beast_http::field::content_disposition,
          upload::content_disposition(found->type, found->name));
  res.content_length(static_cast<std::uint64_t>(found->size));
  res.keep_alive(req.keep_alive());
  res.body().data = nullptr;
  res.body().more = true;
  beast_http::response_serializer<beast_http::buffer_body> serializer(res);
  stream.tcp().expires_after(http_write_timeout);
  auto [header_ec, _h] =
      co_await beast_http::async_write_header(stream, serializer, util::with_error);
  if (header_ec) {
    co_return upload_sent{200, false};
  }
  auto chunk = std::make_shared<std::string>(upload_chunk_bytes, '\0');
  std::uint64_t sent = 0;
  const auto size = static_cast<std::uint64_t>(found->size);
  while (sent < size) {
    auto reading = util::offload(svc.files.get_executor(), [file, chunk] {
      return std::fread(chunk->data(), 1, chunk->size(), file.get());
    });
    const auto got = co_await std::move(reading);
    if (got == 0) {
      PARLEY_LOG(error, "upload") << "upload " << id << ": its file " << path << " is short";
      co_return upload_sent{200, false};  // the length is promised: only closing tells the client
    }
    sent += got;
    res.body().data = chunk->data();
    res.body().size = std::min<std::uint64_t>(got, size - (sent - got));
    res.body().more = sent < size;
    stream.tcp().expires_after(http_write_timeout);
    auto [ec, _] = co_await beast_http::async_write(stream, serializer, util::with_error);
    if (ec && ec != beast_http::error::need_buffer) {
      co_return upload_sent{200, false};
    }
  }
  res.body().data = nullptr;
  res.body().more = false;
  auto [end_ec, _e] = co_await beast_http::async_write(stream, serializer, util::with_error);
  co_return upload_sent{200, !end_ec && req.keep_alive()};
}

}  // namespace parley::net
