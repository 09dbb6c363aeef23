#include "support/chat_server.hpp"

#include "support/http_client.hpp"

namespace parley::test {

chat_server::chat_server(std::vector<std::string> extra_args)
    : args(default_server_args(dir.path())) {
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process = std::make_unique<server_process>(dir.path(), args);
}

std::string chat_server::token(const std::string& username) {
  auto it = tokens.find(username);
  if (it == tokens.end()) {
    it = tokens.emplace(username, signup_and_login(port(), username)).first;
  }
  return it->second;
}

std::unique_ptr<ws_client> chat_server::connect(const std::string& username) {
  return std::make_unique<ws_client>(port(), token(username));
}

void chat_server::restart() {
  process.reset();
  process = std::make_unique<server_process>(dir.path(), args);
}

}  // namespace parley::test
