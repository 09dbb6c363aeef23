#include "http_response_check.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>

#include <optional>

#include "check.hpp"
#include "parley/error/code.hpp"

namespace parley::fuzz {
namespace beast_http = boost::beast::http;

namespace {

bool is_contract_code(std::string_view name) {
  for (int c = static_cast<int>(error::code::bad_request);
       c <= static_cast<int>(error::code::unavailable); ++c) {
    if (error::code_name(static_cast<error::code>(c)) == name) {
      return true;
    }
  }
  return false;
}

void check_error_body(std::string_view body) {
  boost::json::error_code ec;
  const auto value = boost::json::parse(body, ec);
  PARLEY_FUZZ_CHECK(!ec && value.is_object());
  const auto* error = value.as_object().if_contains("error");
  PARLEY_FUZZ_CHECK(error != nullptr && error->is_object());
  const auto* code = error->as_object().if_contains("code");
  const auto* message = error->as_object().if_contains("message");
  PARLEY_FUZZ_CHECK(code != nullptr && code->is_string() && is_contract_code(code->as_string()));
  PARLEY_FUZZ_CHECK(message != nullptr && message->is_string());
}

}  // namespace

void check_response(const http::request& req, std::string_view written) {
  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(boost::none);
  parser.eager(true);
  parser.skip(req.method() == beast_http::verb::head);
  boost::beast::error_code ec;
  const auto used = parser.put(boost::asio::buffer(written.data(), written.size()), ec);
  PARLEY_FUZZ_CHECK(!ec && parser.is_done());
  PARLEY_FUZZ_CHECK(used == written.size());  // nothing after the body

  const auto& res = parser.get();
  const auto status = res.result_int();
  PARLEY_FUZZ_CHECK(status >= 200 && status <= 599);
  PARLEY_FUZZ_CHECK(res.version() == req.version());
  PARLEY_FUZZ_CHECK(res.keep_alive() == req.keep_alive());
  PARLEY_FUZZ_CHECK(res["X-Content-Type-Options"] == "nosniff");

  const bool bodiless = status == 204 || status == 304;
  const auto length = parser.content_length();  // the header's value, not the body's size
  // Without a length a keep-alive client could not tell where the next response begins.
  PARLEY_FUZZ_CHECK(length.has_value() || (bodiless && !parser.chunked()));
  if (req.method() != beast_http::verb::head) {
    PARLEY_FUZZ_CHECK(!length || *length == res.body().size());
  }
  PARLEY_FUZZ_CHECK(!bodiless || res.body().empty());
  if (status == 405) {
    PARLEY_FUZZ_CHECK(!res[beast_http::field::allow].empty());
  }
  if (status >= 400) {
    PARLEY_FUZZ_CHECK(res[beast_http::field::content_type] == "application/json");
    if (req.method() != beast_http::verb::head) {
      check_error_body(res.body());
    }
  }
}

}  // namespace parley::fuzz
