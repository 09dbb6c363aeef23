#pragma once

#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>

namespace parley::http {

/// Every endpoint the server answers.
enum class route {
  signup,
  login,
  logout,
  token,
  me,
  channels,
  channel_messages,
  users,
  upload,       ///< POST /api/uploads: streamed by the connection, not read whole
  upload_file,  ///< GET /uploads/{id}: streamed by the connection
  healthz,
  readyz,
  metrics,
  websocket,
  static_file,
};

/// The outcome of routing one request: 404 and 405 are decided here, before authentication.
struct routing {
  enum class outcome { found, not_found, method_not_allowed } result = outcome::not_found;
  http::route route = route::static_file;
  std::string channel;  ///< the {name} of /api/channels/{name}/messages, percent-decoded
  std::string upload;   ///< the {id} of /uploads/{id}
  std::string allow;    ///< the Allow header for method_not_allowed
};

/// Routes a request path (no query). Paths outside /api/, /healthz, /readyz, /metrics and /ws are
/// static files; whether such a file exists, and so 404 vs 405 for it, is the static handler's
/// call.
routing route_request(boost::beast::http::verb method, std::string_view path);

/// The route's label in parley_http_requests_total.
std::string_view route_label(route r);

}  // namespace parley::http
