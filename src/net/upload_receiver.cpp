// POST /api/uploads: the body streams to disk off the I/O thread (contract: uploads).
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "parley/http/handlers.hpp"
#include "parley/http/url.hpp"
#include "parley/log/log.hpp"
#include "parley/model/upload.hpp"
#include "parley/net/http_session.hpp"
#include "parley/net/uploads.hpp"
#include "parley/store/uploads.hpp"
#include "parley/upload/file_name.hpp"
#include "parley/upload/media_type.hpp"
#include "parley/upload/spool_file.hpp"
#include "parley/util/clock.hpp"
#include "parley/util/offload.hpp"
#include "parley/util/random.hpp"
#include "parley/util/with_error.hpp"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;
using asio::awaitable;
using status = beast_http::status;

namespace {

upload_answer refuse(const http::request& req, status s, error::code code, std::string_view why,
                     bool close) {
  auto res = http::error_response(req, s, code, why);
  if (close) {
    res.keep_alive(false);
  }
  return {std::move(res), close};
}

}  // namespace

bool is_upload_request(const beast_http::request_parser<beast_http::empty_body>& p) {
  return p.get().method() == beast_http::verb::post &&
         http::split_target(p.get().target()).path == "/api/uploads";
}

awaitable<upload_answer> receive_upload(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                        beast_http::request_parser<beast_http::empty_body>& head,
                                        services& svc) {
  http::request req;
  req.base() = head.get().base();
  // Answered before the body is read: the connection closes, since its body is still coming.
  const bool body_pending = !head.is_done();
  const auto claims = http::authenticate(svc.api, req, false);
  if (!claims) {
    co_return refuse(req, status::unauthorized, error::code::unauthorized, {}, body_pending);
  }
  const auto query = http::parse_query(http::split_target(req.target()).query);
  const auto name_it = query ? query->find("name") : decltype(query->end()){};
  if (!query || name_it == query->end() || !upload::valid_file_name(name_it->second)) {
    co_return refuse(req, status::bad_request, error::code::bad_request,
                     "name must be 1-255 characters without /, \\ or control characters",
                     body_pending);
  }
  const auto declared = upload::essence(req[beast_http::field::content_type]);
  if (!upload::type_sniffer(declared).declared_type_allowed()) {
    co_return refuse(req, status::unsupported_media_type, error::code::unsupported_type,
                     "accepted: PNG, JPEG, GIF, WebP, PDF and UTF-8 text", body_pending);
  }
  const auto length = head.content_length();
  if (length && *length > svc.cfg.max_upload_bytes) {
    co_return refuse(req, status::payload_too_large, error::code::too_large,
                     "the upload is over the size limit", body_pending);
  }
  if (!body_pending || (length && *length == 0)) {
    co_return refuse(req, status::bad_request, error::code::bad_request, "the body is empty",
                     body_pending);
  }

  const std::filesystem::path dir(svc.cfg.upload_dir);
  auto opening = util::offload(svc.files.get_executor(), [dir, declared] {
    return std::make_shared<upload::spool_file>(dir, declared);
  });
  std::shared_ptr<upload::spool_file> spool;
  try {
    spool = co_await std::move(opening);
  } catch (const std::exception& e) {
    PARLEY_LOG(error, "upload") << e.what();
    co_return refuse(req, status::internal_server_error, error::code::internal, {}, true);
  }

  beast_http::request_parser<beast_http::buffer_body> body(std::move(head));
  body.body_limit(svc.cfg.max_upload_bytes);
  auto chunk = std::make_shared<std::string>(upload_chunk_bytes, '\0');
  while (!body.is_done()) {
    body.get().body().data = chunk->data();
    body.get().body().size = chunk->size();
    stream.expires_after(http_read_timeout);
    auto [ec, _] = co_await beast_http::async_read_some(stream, buffer, body, util::with_error);
    if (ec == beast_http::error::need_buffer) {
      ec = {};
    }
    if (ec == beast_http::error::body_limit) {
      co_return refuse(req, status::payload_too_large, error::code::too_large,
                       "the upload is over the size limit", true);
    }
    if (ec) {
      co_return refuse(req, status::bad_request, error::code::bad_request, "the body ended early",
                       true);
    }
    const auto got = chunk->size() - body.get().body().size;
    if (got == 0) {
      continue;
    }
    // One chunk in flight: the next read waits for the disk, so a fast client cannot pile
    // memory up in front of a slow disk.
    auto writing = util::offload(svc.files.get_executor(), [spool, chunk, got] {
      spool->write({chunk->data(), got});
    });
    try {
      co_await std::move(writing);
    } catch (const std::exception& e) {
      PARLEY_LOG(error, "upload") << e.what();
      co_return refuse(req, status::internal_server_error, error::code::internal, {}, true);
    }
  }
  auto finishing = util::offload(svc.files.get_executor(), [spool] { return spool->finish(); });
  const auto done = co_await std::move(finishing);
  if (done.size == 0) {
    co_return refuse(req, status::bad_request, error::code::bad_request, "the body is empty",
                     false);
  }
  if (!done.type) {
    co_return refuse(req, status::unsupported_media_type, error::code::unsupported_type,
                     "the content is not of the declared type", false);
  }

  model::upload record{util::random_hex(16),
                       claims->user_id,
                       name_it->second,
                       *done.type,
                       static_cast<std::int64_t>(done.size),
                       done.sha256,
                       util::unix_seconds()};
  auto storing = svc.chat.db.run([spool, record](store::database& db) {
    // Under the write lock, like the sweep: no instance deletes this file in between.
    store::transaction tx(db);
    spool->place(record.sha256);
    store::insert_upload(db, record);
    tx.commit();
    return true;
  });
  co_await std::move(storing);
  svc.metrics.uploads_total.fetch_add(1, std::memory_order_relaxed);
  svc.metrics.upload_bytes_total.fetch_add(done.size, std::memory_order_relaxed);
  co_return upload_answer{http::json_response(req, status::created,
                                              {{"upload",
                                                {{"id", record.id},
                                                 {"name", record.name},
                                                 {"type", record.type},
                                                 {"size", record.size},
                                                 {"url", "/uploads/" + record.id}}}}),
                          false};
}

}  // namespace parley::net
