// GET /api/users: the user directory (contract: HTTP API).
#include <boost/json.hpp>

#include <algorithm>

#include "parley/config/parse.hpp"
#include "parley/http/handlers.hpp"
#include "parley/http/url.hpp"
#include "parley/model/username.hpp"
#include "parley/store/users.hpp"

namespace parley::http {
namespace json = boost::json;
using boost::asio::awaitable;
using status = boost::beast::http::status;

namespace {

constexpr int default_user_limit = 20;
constexpr int max_user_limit = 100;

json::object user_json(std::int64_t id, const std::string& username, bool online) {
  return {{"id", id}, {"username", username}, {"online", online}};
}

}  // namespace

awaitable<reply> handle_users(api_context& svc, const request& req) {
  const auto claims = authenticate(svc, req, false);
  if (!claims) {
    co_return make_reply(error_response(req, status::unauthorized, error::code::unauthorized));
  }
  const auto query = parse_query(split_target(req.target()).query);
  if (!query) {
    co_return make_reply(error_response(req, status::bad_request, error::code::bad_request));
  }
  std::string prefix;
  if (auto it = query->find("q"); it != query->end()) {
    prefix = model::username_key(it->second);
  }
  bool only_online = false;
  if (auto it = query->find("online"); it != query->end()) {
    if (it->second != "true" && it->second != "false") {
      co_return make_reply(error_response(req, status::bad_request, error::code::bad_request,
                                          "online must be true or false"));
    }
    only_online = it->second == "true";
  }
  int limit = default_user_limit;
  if (auto it = query->find("limit"); it != query->end()) {
    const auto n = config::parse_uint(it->second, 1, max_user_limit);
    if (!n) {
      co_return make_reply(error_response(req, status::bad_request, error::code::bad_request,
                                          "limit must be a whole number from 1 to 100"));
    }
    limit = static_cast<int>(*n);
  }

  json::array users;
  if (only_online) {
    // Everyone online is in memory already: no trip to the store.
    const auto online = svc.hub.online_users(prefix);
    std::vector<std::pair<std::string, const std::pair<std::int64_t, std::string>*>> matching;
    for (const auto& user : online) {
      matching.emplace_back(model::username_key(user.second), &user);
    }
    std::sort(matching.begin(), matching.end());
    for (std::size_t i = 0; i < matching.size() && i < static_cast<std::size_t>(limit); ++i) {
      users.push_back(user_json(matching[i].second->first, matching[i].second->second, true));
    }
  } else {
    auto finding = svc.db.run([prefix, limit](store::database& db) {
      return store::find_users_by_prefix(db, prefix, limit);
    });
    const auto found = co_await std::move(finding);
    std::vector<std::int64_t> ids;
    for (const auto& user : found) {
      ids.push_back(user.id);
    }
    const auto online = svc.hub.online(ids);
    for (std::size_t i = 0; i < found.size(); ++i) {
      users.push_back(user_json(found[i].id, found[i].username, online[i]));
    }
  }
  co_return make_reply(json_response(req, status::ok, {{"users", std::move(users)}}));
}

}  // namespace parley::http
