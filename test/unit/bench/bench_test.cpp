#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "parley/bench/latency_histogram.hpp"
#include "parley/bench/options.hpp"
#include "parley/bench/report.hpp"
#include "parley/bench/scenarios.hpp"
#include "parley/bench/source_addresses.hpp"

using namespace parley::bench;

TEST_CASE("latency histogram quantiles are within its resolution") {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 10000; ++v) {
    h.record(v);
  }
  CHECK(h.count() == 10000);
  CHECK(h.min() == 1);
  CHECK(h.max() == 10000);
  const auto near = [](std::uint64_t got, double want) {
    return std::abs(static_cast<double>(got) - want) <= want * 0.02 + 1;
  };
  CHECK(near(h.quantile(0.5), 5000));
  CHECK(near(h.quantile(0.9), 9000));
  CHECK(near(h.quantile(0.99), 9900));
  CHECK(h.quantile(1.0) == 10000);
  latency_histogram small;
  small.record(3);
  small.record(100);
  CHECK(small.quantile(0.0) == 3);
  CHECK(small.quantile(1.0) == 100);
  latency_histogram merged;
  merged.merge(small);
  merged.merge(h);
  CHECK(merged.count() == 10002);
  CHECK(latency_histogram{}.quantile(0.5) == 0);
}

TEST_CASE("bench options") {
  auto o = parse_options({"--url", "ws://127.0.0.1:9000", "--url", "ws://[::1]:9001/ws", "fanout",
                          "--subscribers", "1000", "--publishers", "2", "--rate", "100",
                          "--duration", "2.5", "--threads", "3", "--json"});
  CHECK(o.kind == scenario::fanout);
  REQUIRE(o.urls.size() == 2);
  CHECK(o.urls[0].port == 9000);
  CHECK(o.urls[1].host == "::1");
  CHECK_FALSE(o.urls[0].tls);
  CHECK(o.subscribers == 1000);
  CHECK(o.publishers == 2);
  CHECK(o.rate == 100);
  CHECK(o.duration_s == 2.5);
  CHECK(o.threads == 3);
  CHECK(o.json);
  o = parse_options({"-w", "20", "-r", "1500", "--seed-compat"});
  CHECK(o.kind == scenario::cycle);
  CHECK(o.workers == 20);
  CHECK(o.cases == 1500);
  CHECK(o.seed_compat);
  CHECK(o.urls[0].port == 8080);
  CHECK_THROWS_AS(parse_options({"--url", "http://x:1"}), usage_error);
  const auto tls = parse_url("wss://localhost:8443/ws");
  CHECK(tls.tls);
  CHECK(tls.host == "localhost");
  CHECK(tls.port == 8443);
  CHECK_THROWS_AS(parse_options({"--url", "wss://x"}), usage_error);
  CHECK_THROWS_AS(parse_options({"-w", "zero"}), usage_error);
  CHECK_THROWS_AS(parse_options({"--rate"}), usage_error);
  CHECK_THROWS_AS(parse_options({"--bogus"}), usage_error);
}

TEST_CASE("the JSON report has the contract's fields") {
  options o;
  result r;
  r.elapsed_s = 2;
  r.total.cases += 100;
  r.total.latency.record(1500);
  r.total.error("connect: refused");
  auto j = boost::json::parse(to_json(o, r)).as_object();
  CHECK(j.at("scenario") == "cycle");
  CHECK(j.at("errors") == 1);
  CHECK(j.at("cases") == 100);
  CHECK(j.at("cases_per_s").as_double() == 50.0);
  for (const char* k : {"min", "p50", "p90", "p99", "max"}) {
    CHECK(j.at("latency_ms").as_object().contains(k));
  }
  o.kind = scenario::fanout;
  r.total.sent += 10;
  r.total.deliveries += 1000;
  j = boost::json::parse(to_json(o, r)).as_object();
  for (const char* k :
       {"sent", "deliveries", "deliveries_per_s", "lost", "duplicated", "out_of_order"}) {
    CHECK(j.contains(k));
  }
  o.kind = scenario::connections;
  j = boost::json::parse(to_json(o, r)).as_object();
  CHECK(j.contains("connections"));
  CHECK(j.contains("open_s"));
}

TEST_CASE("the progress line rewrites one terminal line with the running totals") {
  progress p;
  p.elapsed_s = 2.25;
  p.sent = 40;
  p.deliveries = 4000;
  p.connections = 101;
  p.errors = 1;
  CHECK(progress_line(p) ==
        "\r2.2 s | sent 40 | deliveries 4000 | connections 101 | errors 1\x1b[K");
  progress c;
  c.cases = 7;
  CHECK(progress_line(c) == "\r0.0 s | cases 7 | connections 0 | errors 0\x1b[K");
}

TEST_CASE("tallies merge, counting errors of every kind") {
  tally a;
  tally b;
  ++a.deliveries;
  b.deliveries += 5;
  b.error("x");
  b.error("y");
  a.merge(b);
  CHECK(a.deliveries.get() == 6);
  CHECK(a.error_count.get() == 2);
  CHECK(a.errors.size() == 2);
}

TEST_CASE("the --publisher-url option puts the fanout's publishers on one instance") {
  const auto o = parse_options(
      {"fanout", "--url", "ws://127.0.0.1:9001", "--publisher-url", "ws://127.0.0.1:9002"});
  REQUIRE(o.publisher_url);
  CHECK(o.publisher_url->port == 9002);
  REQUIRE(o.urls.size() == 1);
  CHECK(o.urls[0].port == 9001);
  CHECK_FALSE(parse_options({"fanout"}).publisher_url);
  CHECK(parse_options({"fanout", "--publisher-url", "wss://127.0.0.1:9002"}).publisher_url->tls);
  CHECK_THROWS_AS(parse_options({"--publisher-url", "http://x:1"}), usage_error);
}

TEST_CASE("loopback source addresses are added only when one address runs out of ports") {
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  CHECK(source_addresses_needed(loopback, 1000, 28232) == 1);
  CHECK(source_addresses_needed(loopback, 25408, 28232) == 1);  // 90 % of the range
  CHECK(source_addresses_needed(loopback, 25409, 28232) == 2);
  CHECK(source_addresses_needed(loopback, 30000, 28232) == 2);
  CHECK(source_addresses_needed(loopback, 100000, 28232) == 4);
  CHECK(source_addresses_needed(loopback, 100000000, 28232) == 254);
  CHECK(source_addresses_needed(loopback, 10, 28232, 3) == 3);  // --source-addresses
  // Only IPv4 loopback has a /8 of addresses to spread over.
  CHECK(source_addresses_needed(boost::asio::ip::make_address("10.0.0.1"), 100000, 28232, 3) == 1);
  CHECK(source_addresses_needed(boost::asio::ip::make_address("::1"), 100000, 28232) == 1);

  CHECK(loopback_source(0, 3).to_string() == "127.0.0.1");
  CHECK(loopback_source(2, 3).to_string() == "127.0.0.3");
  CHECK(loopback_source(4, 3).to_string() == "127.0.0.2");

  const auto o = parse_options({"cycle", "-w", "20", "-r", "1500", "--source-addresses", "4"});
  CHECK(planned_connections(o) == 30000);
  CHECK(o.source_addresses == 4);
  CHECK_THROWS_AS(parse_options({"--source-addresses", "255"}), usage_error);
  CHECK(ephemeral_ports() > 1000);
}
