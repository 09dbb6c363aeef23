#include "support/chat_cluster.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

#include "support/http_client.hpp"

namespace parley::test {

chat_cluster::chat_cluster(cluster_layout how)
    : layout(how),
      network(how.separate_hosts ? how.instances : 0),
      postgres(how.separate_hosts
                   ? std::make_unique<postgres_server>(dir.path(), network.gateways())
                   : nullptr),
      redis(dir.path(), {}, network.gateways()) {
  if (postgres) {
    postgres->create_database("parley");
  }
  for (int r = 1; r < how.redis_servers; ++r) {
    more_redis.push_back(std::make_unique<redis_server>(dir.path(), "", network.gateways()));
  }
  for (int i = 0; i < how.instances; ++i) {
    const std::string name(1, static_cast<char>('a' + i));
    auto work = dir.path();
    auto args = default_server_args(work);
    if (how.separate_hosts) {
      work = dir / ("host-" + name);
      std::filesystem::create_directories(work);
      args = default_server_args(work);
      *(std::find(args.begin(), args.end(), "--db") + 1) =
          postgres->url("parley", network.gateway(i));
      *(std::find(args.begin(), args.end(), "--listen") + 1) = network.address(i) + ":0";
    }
    auto redis_urls = redis.url_at(network.gateway(i));
    for (const auto& r : more_redis) {
      redis_urls += "," + r->url_at(network.gateway(i));
    }
    args.insert(args.end(),
                {"--redis-url", redis_urls, "--instance-id", name, "--rate-limit", "0"});
    instances.push_back(std::make_unique<server_process>(
        work, network.args(i, PARLEY_SERVER_BINARY, args), std::map<std::string, std::string>{},
        network.program(PARLEY_SERVER_BINARY)));
  }
}

std::string chat_cluster::token(const std::string& username) {
  auto it = tokens.find(username);
  if (it == tokens.end()) {
    it = tokens.emplace(username, signup_and_login(at(0), username)).first;
  }
  return it->second;
}

std::unique_ptr<ws_client> chat_cluster::connect(const std::string& username, int instance) {
  return std::make_unique<ws_client>(at(instance), token(username));
}

void chat_cluster::kill(int instance) {
  instances.at(instance)->kill_now();
}

std::string describe(const chat_cluster& c) {
  const auto& l = c.layout;
  if (!l.separate_hosts) {
    return std::to_string(l.instances) + " instances on one host sharing a SQLite file";
  }
  if (!c.network.available()) {
    WARN("network namespaces unavailable (" << c.network.why() << "): the hosts run on loopback");
  }
  return std::to_string(l.instances) + " hosts" +
         (c.network.available() ? " in network namespaces" : " (on loopback)") +
         " sharing PostgreSQL, " + std::to_string(l.redis_servers) + " Redis server(s)";
}

}  // namespace parley::test
