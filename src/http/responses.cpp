#include "parley/http/responses.hpp"

#include <boost/json/serialize.hpp>

namespace parley::http {
namespace beast_http = boost::beast::http;

void common_headers(beast_http::fields& fields) {
  fields.set(beast_http::field::server, "parley");
  fields.set("X-Content-Type-Options", "nosniff");
}

response json_response(const request& req, beast_http::status status,
                       const boost::json::value& body) {
  response res(status, req.version());
  common_headers(res.base());
  res.set(beast_http::field::content_type, "application/json");
  res.set(beast_http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  if (req.method() == beast_http::verb::head) {
    res.body().clear();
  }
  return res;
}

response error_response(const request& req, beast_http::status status, error::code code,
                        std::string_view message) {
  return json_response(
      req, status,
      boost::json::object{{"error",
                           {{"code", code_name(code)},
                            {"message", message.empty() ? default_message(code) : message}}}});
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    auto item = if_none_match.substr(0, comma);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    if (item.starts_with("W/")) {
      item.remove_prefix(2);
    }
    if (item == etag || item == "*") {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace parley::http
