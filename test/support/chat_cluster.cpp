#include "support/chat_cluster.hpp"

#include "support/http_client.hpp"

namespace parley::test {

chat_cluster::chat_cluster(int count) : redis(dir.path()) {
  for (int i = 0; i < count; ++i) {
    auto args = default_server_args(dir.path());
    args.insert(args.end(), {"--redis-url", redis.url(), "--instance-id",
                             std::string(1, static_cast<char>('a' + i)), "--rate-limit", "0"});
    instances.push_back(std::make_unique<server_process>(dir.path(), args));
  }
}

std::string chat_cluster::token(const std::string& username) {
  auto it = tokens.find(username);
  if (it == tokens.end()) {
    it = tokens.emplace(username, signup_and_login(port(0), username)).first;
  }
  return it->second;
}

std::unique_ptr<ws_client> chat_cluster::connect(const std::string& username, int instance) {
  return std::make_unique<ws_client>(port(instance), token(username));
}

void chat_cluster::kill(int instance) {
  instances.at(instance)->kill_now();
}

}  // namespace parley::test
