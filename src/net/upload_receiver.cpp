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
#include "parley/store/database.hpp"
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

/// What a request passed before its body is read.
struct accepted_upload {
  std::int64_t uploader = 0;
  std::string name;
  std::string declared_type;
};

/// The checks made from the header alone: an answer when the upload is refused.
std::optional<upload_answer> check_header(const http::request& req, bool body_pending,
                                          std::optional<std::uint64_t> length, services& svc,
                                          accepted_upload& out) {
  const auto claims = http::authenticate(svc.api, req, false);
  if (!claims) {
    return refuse(req, status::unauthorized, error::code::unauthorized, {}, body_pending);
  }
  if (http::foreign_cookie_request(svc.api, req)) {
    return refuse(req, status::forbidden, error::code::forbidden,
                  "cookie authentication from a foreign origin", body_pending);
  }
  out.uploader = claims->user_id;
  const auto query = http::parse_query(http::split_target(req.target()).query);
  const auto name = query ? query->find("name") : decltype(query->end()){};
  if (!query || name == query->end() || !upload::valid_file_name(name->second)) {
    return refuse(req, status::bad_request, error::code::bad_request,
                  "name must be 1-255 characters without /, \\ or control characters",
                  body_pending);
  }
  out.name = name->second;
  out.declared_type = upload::essence(req[beast_http::field::content_type]);
  if (!upload::type_sniffer(out.declared_type).declared_type_allowed()) {
    return refuse(req, status::unsupported_media_type, error::code::unsupported_type,
                  "accepted: PNG, JPEG, GIF, WebP, PDF and UTF-8 text", body_pending);
  }
  if (length && *length > svc.cfg.max_upload_bytes) {
    return refuse(req, status::payload_too_large, error::code::too_large,
                  "the upload is over the size limit", body_pending);
  }
  if (!body_pending || (length && *length == 0)) {
    return refuse(req, status::bad_request, error::code::bad_request, "the body is empty",
                  body_pending);
  }
  return std::nullopt;
}

/// Streams the body into `spool` (one chunk in flight: the next read waits for the disk, so a
/// fast client cannot pile memory up in front of a slow disk), then stores the upload.
awaitable<upload_answer> store_body(http_stream& stream, beast::flat_buffer& buffer,
                                    beast_http::request_parser<beast_http::empty_body>& head,
                                    services& svc, const http::request& req,
                                    const accepted_upload& accepted,
                                    std::shared_ptr<upload::spool_file> spool) {
  beast_http::request_parser<beast_http::buffer_body> body(std::move(head));
  body.body_limit(svc.cfg.max_upload_bytes);
  auto chunk = std::make_shared<std::string>(upload_chunk_bytes, '\0');
  while (!body.is_done()) {
    body.get().body().data = chunk->data();
    body.get().body().size = chunk->size();
    stream.tcp().expires_after(http_read_timeout);
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
    if (got > 0) {
      auto writing = util::offload(svc.files.get_executor(), [spool, chunk, got] {
        spool->write({chunk->data(), got});
      });
      co_await std::move(writing);
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
                       accepted.uploader,
                       accepted.name,
                       *done.type,
                       static_cast<std::int64_t>(done.size),
                       done.sha256,
                       util::unix_seconds()};
  auto storing = svc.chat.db.run([spool, record](store::database& db) {
    // Under the uploads lock, like the sweep: no instance deletes this file in between.
    store::transaction tx(db);
    store::lock_uploads(db);
    store::insert_upload(db, record);
    spool->place(record.sha256);  // last: if it fails, the record rolls back with nothing placed
    tx.commit();
    return true;
  });
  co_await std::move(storing);
  svc.metrics.uploads_total.fetch_add(1, std::memory_order_relaxed);
  svc.metrics.upload_bytes_total.fetch_add(done.size, std::memory_order_relaxed);
  svc.metrics.uploads_stored.fetch_add(1, std::memory_order_relaxed);
  svc.metrics.uploads_stored_bytes.fetch_add(static_cast<std::int64_t>(done.size),
                                             std::memory_order_relaxed);
  co_return upload_answer{http::json_response(req, status::created,
                                              {{"upload",
                                                {{"id", record.id},
                                                 {"name", record.name},
                                                 {"type", record.type},
                                                 {"size", record.size},
                                                 {"url", "/uploads/" + record.id}}}}),
                          false};
}

}  // namespace

bool is_upload_request(const beast_http::request_parser<beast_http::empty_body>& p) {
  return p.get().method() == beast_http::verb::post &&
         http::split_target(p.get().target()).path == "/api/uploads";
}

awaitable<upload_answer> receive_upload(http_stream& stream, beast::flat_buffer& buffer,
                                        beast_http::request_parser<beast_http::empty_body>& head,
                                        services& svc) {
  http::request req;
  req.base() = head.get().base();
  accepted_upload accepted;
  std::optional<std::uint64_t> length;
  if (const auto declared_length = head.content_length()) {
    length = *declared_length;
  }
  // Answered before the body is read, the connection closes: its body is still coming.
  if (auto refused = check_header(req, !head.is_done(), length, svc, accepted)) {
    co_return std::move(*refused);
  }
  if (beast::iequals(req[beast_http::field::expect], "100-continue")) {
    // The client waits for this before sending the body (curl does for large files).
    beast_http::response<beast_http::empty_body> go_on(status::continue_, req.version());
    stream.tcp().expires_after(http_write_timeout);
    auto [ec, _] = co_await beast_http::async_write(stream, go_on, util::with_error);
    if (ec) {
      co_return refuse(req, status::bad_request, error::code::bad_request, {}, true);
    }
  }

  const std::filesystem::path dir(svc.cfg.upload_dir);
  auto opening = util::offload(svc.files.get_executor(), [dir, type = accepted.declared_type] {
    return std::make_shared<upload::spool_file>(dir, type);
  });
  auto spool = co_await std::move(opening);
  std::optional<upload_answer> answer;
  try {
    answer = co_await store_body(stream, buffer, head, svc, req, accepted, spool);
  } catch (const std::exception& e) {
    PARLEY_LOG(error, "upload") << "upload failed: " << e.what();
    answer = refuse(req, status::internal_server_error, error::code::internal, {}, true);
  }
  // The spool's file is closed and removed (unless placed) on a file worker, not here.
  auto releasing = util::offload(svc.files.get_executor(),
                                 [spool = std::move(spool)]() mutable { spool.reset(); });
  co_await std::move(releasing);
  co_return std::move(*answer);
}

}  // namespace parley::net
