#include "support/history.hpp"

#include <catch2/catch.hpp>

#include "support/http_client.hpp"

namespace parley::test {

std::vector<boost::json::object> stored_messages(std::uint16_t port, const std::string& token,
                                                 const std::string& channel) {
  std::vector<boost::json::object> newest_first;
  std::string before;
  for (int page = 0; page < 1000; ++page) {
    const auto r =
        http_call(port, boost::beast::http::verb::get,
                  "/api/channels/" + channel + "/messages?limit=100" + before, {}, bearer(token));
    INFO(r.body);
    REQUIRE(r.status == 200);
    const auto body = r.json().as_object();
    const auto& messages = body.at("messages").as_array();
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
      newest_first.push_back(it->as_object());
    }
    if (!body.at("has_more").as_bool() || messages.empty()) {
      break;
    }
    before = "&before=" + std::to_string(messages.front().at("id").as_int64());
  }
  return {newest_first.rbegin(), newest_first.rend()};
}

}  // namespace parley::test
