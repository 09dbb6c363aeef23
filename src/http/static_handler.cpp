// GET / and other paths: the web client, built in or from PARLEY_STATIC_DIR.
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/span_body.hpp>

#include <filesystem>
#include <map>

#include "parley/http/embedded_files.hpp"
#include "parley/http/handlers.hpp"
#include "parley/http/static_files.hpp"
#include "parley/http/url.hpp"
#include "parley/upload/sha256_stream.hpp"

namespace parley::http {
namespace beast_http = boost::beast::http;
namespace fs = std::filesystem;

namespace {

/// A built-in file with its ETag (a hash of its bytes, made once).
struct builtin_file {
  std::string_view content;
  std::string_view type;
  std::string etag;
};

const std::map<std::string_view, builtin_file>& builtin_files() {
  static const auto all = [] {
    std::map<std::string_view, builtin_file> out;
    for (const auto& f : embedded_files()) {
      upload::sha256_stream hash;
      hash.update(f.content);
      out.emplace(f.path, builtin_file{f.content, mime_type(fs::path(f.path)),
                                       "\"" + hash.hex_digest().substr(0, 32) + "\""});
    }
    return out;
  }();
  return all;
}

/// The built-in file for a request path: "/" and directories mean their index.html.
const builtin_file* find_builtin(std::string_view path) {
  std::string wanted(path);
  if (wanted.empty() || wanted.back() == '/') {
    wanted += "index.html";
  }
  const auto& all = builtin_files();
  const auto it = all.find(wanted);
  return it == all.end() ? nullptr : &it->second;
}

/// Headers of every static answer: revalidate each time (names are not fingerprinted), cheaply
/// with the ETag; HTML pages under the content security policy.
template <class Response>
void static_headers(Response& res, const request& req, std::string_view type,
                    const std::string& etag) {
  common_headers(res.base());
  res.set(beast_http::field::content_type, type);
  res.set(beast_http::field::etag, etag);
  res.set(beast_http::field::cache_control, "no-cache");
  if (type.starts_with("text/html")) {
    res.set("Content-Security-Policy", content_security_policy);
  }
  res.keep_alive(req.keep_alive());
}

/// 304 or HEAD: headers only.
reply headers_only(const request& req, beast_http::status status, std::string_view type,
                   const std::string& etag, std::uint64_t size) {
  beast_http::response<beast_http::empty_body> res(status, req.version());
  static_headers(res, req, type, etag);
  if (status == beast_http::status::ok) {
    res.content_length(size);
  }
  return {res.result_int(), beast_http::message_generator(std::move(res))};
}

reply serve_builtin(const request& req, const builtin_file& f) {
  if (etag_matches(req[beast_http::field::if_none_match], f.etag)) {
    return headers_only(req, beast_http::status::not_modified, f.type, f.etag, 0);
  }
  if (req.method() == beast_http::verb::head) {
    return headers_only(req, beast_http::status::ok, f.type, f.etag, f.content.size());
  }
  beast_http::response<beast_http::span_body<const char>> res(
      std::piecewise_construct, std::make_tuple(f.content.data(), f.content.size()),
      std::make_tuple(beast_http::status::ok, req.version()));
  static_headers(res, req, f.type, f.etag);
  return make_reply(std::move(res));
}

reply serve_file(const request& req, const fs::path& file) {
  beast_http::file_body::value_type body;
  boost::beast::error_code ec;
  body.open(file.c_str(), boost::beast::file_mode::scan, ec);
  std::error_code time_ec;
  const auto modified = fs::last_write_time(file, time_ec);
  if (ec || time_ec) {
    return make_reply(error_response(req, beast_http::status::not_found, error::code::not_found));
  }
  const auto type = mime_type(file);
  // Size and modification time: a file edited in place gets a new tag.
  const auto etag = "\"" + std::to_string(body.size()) + "-" +
                    std::to_string(modified.time_since_epoch().count()) + "\"";
  if (etag_matches(req[beast_http::field::if_none_match], etag)) {
    return headers_only(req, beast_http::status::not_modified, type, etag, 0);
  }
  if (req.method() == beast_http::verb::head) {
    return headers_only(req, beast_http::status::ok, type, etag, body.size());
  }
  beast_http::response<beast_http::file_body> res(
      std::piecewise_construct, std::make_tuple(std::move(body)),
      std::make_tuple(beast_http::status::ok, req.version()));
  static_headers(res, req, type, etag);
  return make_reply(std::move(res));
}

}  // namespace

reply handle_static(api_context& svc, const request& req) {
  const auto path = split_target(req.target()).path;
  const builtin_file* builtin = nullptr;
  std::optional<fs::path> file;
  if (svc.static_builtin) {
    builtin = find_builtin(path);
  } else if (!svc.static_root.empty()) {
    file = resolve_static(svc.static_root, path);
  }
  if (builtin == nullptr && !file) {
    return make_reply(error_response(req, beast_http::status::not_found, error::code::not_found));
  }
  if (req.method() != beast_http::verb::get && req.method() != beast_http::verb::head) {
    auto res = error_response(req, beast_http::status::method_not_allowed,
                              error::code::method_not_allowed);
    res.set(beast_http::field::allow, "GET, HEAD");
    return make_reply(std::move(res));
  }
  return builtin != nullptr ? serve_builtin(req, *builtin) : serve_file(req, *file);
}

}  // namespace parley::http
