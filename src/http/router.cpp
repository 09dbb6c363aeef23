#include "parley/http/router.hpp"

#include <array>

#include "parley/http/url.hpp"

namespace parley::http {
namespace {

using boost::beast::http::verb;

struct fixed_route {
  std::string_view path;
  verb method;
  route target;
};

constexpr std::array fixed_routes{
    fixed_route{"/api/signup", verb::post, route::signup},
    fixed_route{"/api/login", verb::post, route::login},
    fixed_route{"/api/logout", verb::post, route::logout},
    fixed_route{"/api/token", verb::post, route::token},
    fixed_route{"/api/me", verb::get, route::me},
    fixed_route{"/api/channels", verb::get, route::channels},
    fixed_route{"/api/users", verb::get, route::users},
    fixed_route{"/api/uploads", verb::post, route::upload},
    fixed_route{"/healthz", verb::get, route::healthz},
    fixed_route{"/readyz", verb::get, route::readyz},
    fixed_route{"/metrics", verb::get, route::metrics},
    fixed_route{"/ws", verb::get, route::websocket},
};

routing with_method(verb method, verb wanted, route r) {
  routing out;
  out.route = r;
  if (method == wanted) {
    out.result = routing::outcome::found;
  } else {
    out.result = routing::outcome::method_not_allowed;
    out.allow = std::string(boost::beast::http::to_string(wanted));
  }
  return out;
}

}  // namespace

routing route_request(verb method, std::string_view path) {
  for (const auto& r : fixed_routes) {
    if (path == r.path) {
      return with_method(method, r.method, r.target);
    }
  }
  constexpr std::string_view channels_prefix = "/api/channels/";
  constexpr std::string_view messages_suffix = "/messages";
  if (path.starts_with(channels_prefix) && path.ends_with(messages_suffix) &&
      path.size() > channels_prefix.size() + messages_suffix.size()) {
    const auto raw = path.substr(channels_prefix.size(),
                                 path.size() - channels_prefix.size() - messages_suffix.size());
    auto name = percent_decode(raw);
    if (name && name->find('/') == std::string::npos && raw.find('/') == std::string_view::npos) {
      auto out = with_method(method, verb::get, route::channel_messages);
      out.channel = std::move(*name);
      return out;
    }
    return {};
  }
  if (path == "/api" || path.starts_with("/api/")) {
    return {};
  }
  constexpr std::string_view uploads_prefix = "/uploads/";
  if (path.starts_with(uploads_prefix)) {
    const auto id = path.substr(uploads_prefix.size());
    if (id.empty() || id.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
      return {};
    }
    auto out = with_method(method, verb::get, route::upload_file);
    out.upload = std::string(id);
    return out;
  }
  routing out;
  out.result = routing::outcome::found;
  out.route = route::static_file;
  return out;
}

std::string_view route_label(route r) {
  switch (r) {
    case route::signup:
      return "/api/signup";
    case route::login:
      return "/api/login";
    case route::logout:
      return "/api/logout";
    case route::token:
      return "/api/token";
    case route::me:
      return "/api/me";
    case route::channels:
      return "/api/channels";
    case route::channel_messages:
      return "/api/channels/{name}/messages";
    case route::users:
      return "/api/users";
    case route::upload:
      return "/api/uploads";
    case route::upload_file:
      return "/uploads/{id}";
    case route::healthz:
      return "/healthz";
    case route::readyz:
      return "/readyz";
    case route::metrics:
      return "/metrics";
    case route::websocket:
      return "/ws";
    case route::static_file:
      return "static";
  }
  return "static";
}

}  // namespace parley::http
