#include <boost/beast/http/file_body.hpp>

#include "parley/http/handlers.hpp"
#include "parley/http/static_files.hpp"
#include "parley/http/url.hpp"

namespace parley::http {
namespace beast_http = boost::beast::http;

reply handle_static(api_context& svc, const request& req) {
  const auto file = svc.static_root.empty()
                        ? std::nullopt
                        : resolve_static(svc.static_root, split_target(req.target()).path);
  if (!file) {
    return make_reply(error_response(req, beast_http::status::not_found, error::code::not_found));
  }
  if (req.method() != beast_http::verb::get && req.method() != beast_http::verb::head) {
    auto res = error_response(req, beast_http::status::method_not_allowed,
                              error::code::method_not_allowed);
    res.set(beast_http::field::allow, "GET, HEAD");
    return make_reply(std::move(res));
  }
  beast_http::file_body::value_type body;
  boost::beast::error_code ec;
  body.open(file->c_str(), boost::beast::file_mode::scan, ec);
  if (ec) {
    return make_reply(error_response(req, beast_http::status::not_found, error::code::not_found));
  }
  const auto size = body.size();
  const auto set_headers = [&](auto& res) {
    res.set(beast_http::field::server, "parley");
    res.set(beast_http::field::content_type, mime_type(*file));
    res.keep_alive(req.keep_alive());
  };
  if (req.method() == beast_http::verb::head) {
    beast_http::response<beast_http::empty_body> res(beast_http::status::ok, req.version());
    set_headers(res);
    res.content_length(size);
    return {200, beast_http::message_generator(std::move(res))};
  }
  beast_http::response<beast_http::file_body> res(
      std::piecewise_construct, std::make_tuple(std::move(body)),
      std::make_tuple(beast_http::status::ok, req.version()));
  set_headers(res);
  return make_reply(std::move(res));
}

}  // namespace parley::http
