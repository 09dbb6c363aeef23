#include <catch2/catch.hpp>

#include "parley/metrics/registry.hpp"
#include "parley/net/connection_registry.hpp"

using parley::metrics::registry;
using parley::net::connection_registry;

TEST_CASE("a handed-over registration is counted once and closed by its new owner", "[net]") {
  registry metrics;
  connection_registry connections(metrics);
  int http_closes = 0;
  int ws_closes = 0;
  const auto id = connections.add([&] { ++http_closes; });
  CHECK(metrics.connections.load() == 1);

  connections.hand_over(id, [&] { ++ws_closes; });  // the upgrade
  CHECK(metrics.connections.load() == 1);
  CHECK(connections.size() == 1);

  connections.close_all();
  CHECK(http_closes == 0);
  CHECK(ws_closes == 1);

  connections.remove(id);
  CHECK(metrics.connections.load() == 0);
  CHECK(connections.size() == 0);
}

TEST_CASE("a hand-over during shutdown asks the new owner to close at once", "[net]") {
  registry metrics;
  connection_registry connections(metrics);
  const auto id = connections.add([] {});
  connections.close_all();
  int ws_closes = 0;
  connections.hand_over(id, [&] { ++ws_closes; });
  CHECK(ws_closes == 1);
  connections.remove(id);
  CHECK(connections.size() == 0);
}
