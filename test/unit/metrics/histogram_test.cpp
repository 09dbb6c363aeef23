#include <catch2/catch.hpp>

#include <sstream>
#include <thread>
#include <vector>

#include "parley/metrics/histogram.hpp"

using parley::metrics::histogram;
using namespace std::chrono_literals;

TEST_CASE("histogram: each value counts in its bucket and every bucket above it") {
  const std::array<double, 3> bounds{0.001, 0.01, 1};
  histogram h(bounds);
  h.observe(500us);  // <= 0.001
  h.observe(1ms);    // on a bound: that bucket (le is inclusive)
  h.observe(5ms);    // <= 0.01
  h.observe(3s);     // only +Inf
  h.observe(-1ms);   // a clock step backwards counts as zero
  const auto r = h.read();
  CHECK(r.cumulative == std::vector<std::uint64_t>{3, 4, 4, 5});
  CHECK(r.count == 5);
  CHECK(r.sum_seconds == Approx(3.0065));
}

TEST_CASE("histogram: the Prometheus text has cumulative buckets, +Inf, sum and count") {
  const std::array<double, 2> bounds{0.00025, 2.5};
  histogram h(bounds);
  h.observe(100us);
  h.observe(2s);
  std::ostringstream out;
  h.render(out, "parley_x_seconds", R"(route="/api")");
  CHECK(out.str() ==
        "parley_x_seconds_bucket{route=\"/api\",le=\"0.00025\"} 1\n"
        "parley_x_seconds_bucket{route=\"/api\",le=\"2.5\"} 2\n"
        "parley_x_seconds_bucket{route=\"/api\",le=\"+Inf\"} 2\n"
        "parley_x_seconds_sum{route=\"/api\"} 2.0001\n"
        "parley_x_seconds_count{route=\"/api\"} 2\n");
  std::ostringstream bare;
  histogram empty;
  empty.render(bare, "parley_y_seconds");
  CHECK(bare.str().starts_with("parley_y_seconds_bucket{le=\"0.0001\"} 0\n"));
  CHECK(bare.str().ends_with("parley_y_seconds_sum 0\nparley_y_seconds_count 0\n"));
}

TEST_CASE("histogram: observations from many threads are all counted") {
  histogram h;
  constexpr int threads = 12;  // more threads than shards: shared shards must not lose counts
  constexpr int each = 20000;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&h, t] {
      for (int i = 0; i < each; ++i) {
        h.observe(std::chrono::microseconds(t * 1000 + i % 7));
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  const auto r = h.read();
  CHECK(r.count == threads * each);
  CHECK(r.cumulative.front() == each);  // only thread 0 stays under 100 µs
}

TEST_CASE("histogram: refuses unsorted or too many bounds") {
  const std::array<double, 2> unsorted{1, 0.5};
  CHECK_THROWS_AS(histogram(unsorted), std::invalid_argument);
  const std::vector<double> many(17, 1.0);
  CHECK_THROWS_AS(histogram(many), std::invalid_argument);
}
