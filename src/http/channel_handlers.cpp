#include <boost/json.hpp>

#include "parley/chat/directory.hpp"
#include "parley/config/parse.hpp"
#include "parley/http/handlers.hpp"
#include "parley/http/url.hpp"
#include "parley/proto/client_frame.hpp"
#include "parley/proto/message_json.hpp"
#include "parley/store/channels.hpp"

namespace parley::http {
namespace json = boost::json;
using boost::asio::awaitable;
using status = boost::beast::http::status;

awaitable<reply> handle_channels(api_context& svc, const request& req) {
  const auto claims = authenticate(svc, req, false);
  if (!claims) {
    co_return make_reply(error_response(req, status::unauthorized, error::code::unauthorized));
  }
  auto listing = svc.db.run([uid = claims->user_id](store::database& db) {
    return store::list_visible_channels(db, uid);
  });
  const auto channels = co_await std::move(listing);
  json::array list;
  for (const auto& c : channels) {
    list.push_back(
        json::object{{"name", c.name}, {"private", c.is_private}, {"members", c.members}});
  }
  co_return make_reply(json_response(req, status::ok, {{"channels", std::move(list)}}));
}

awaitable<reply> handle_channel_messages(api_context& svc, const request& req,
                                         const std::string& channel) {
  const auto claims = authenticate(svc, req, false);
  if (!claims) {
    co_return make_reply(error_response(req, status::unauthorized, error::code::unauthorized));
  }
  const auto query = parse_query(split_target(req.target()).query);
  if (!query) {
    co_return make_reply(error_response(req, status::bad_request, error::code::bad_request));
  }
  std::optional<std::int64_t> before;
  int limit = proto::default_history_limit;
  if (auto it = query->find("before"); it != query->end()) {
    const auto n = config::parse_uint(it->second, 0, (1ull << 53));
    if (!n) {
      co_return make_reply(error_response(req, status::bad_request, error::code::bad_request,
                                          "before must be a message id"));
    }
    before = static_cast<std::int64_t>(*n);
  }
  if (auto it = query->find("limit"); it != query->end()) {
    const auto n = config::parse_uint(it->second, 1, proto::max_history_limit);
    if (!n) {
      co_return make_reply(error_response(req, status::bad_request, error::code::bad_request,
                                          "limit must be a whole number from 1 to 100"));
    }
    limit = static_cast<int>(*n);
  }
  const chat::actor me{claims->user_id, claims->username};
  auto reading = svc.db.run([channel, me, before, limit](store::database& db) {
    return chat::read_history(db, me, channel, before, limit);
  });
  auto outcome = co_await std::move(reading);
  if (outcome.error == error::code::not_found) {
    co_return make_reply(
        error_response(req, status::not_found, error::code::not_found, "no such channel"));
  }
  if (outcome.error) {
    co_return make_reply(error_response(req, status::forbidden, error::code::forbidden));
  }
  json::array messages;
  for (const auto& m : outcome.page.messages) {
    messages.push_back(proto::message_json(channel, m));
  }
  co_return make_reply(json_response(
      req, status::ok, {{"messages", std::move(messages)}, {"has_more", outcome.page.has_more}}));
}

}  // namespace parley::http
