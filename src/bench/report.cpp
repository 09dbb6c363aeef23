#include "parley/bench/report.hpp"

#include <boost/json.hpp>

#include <iomanip>
#include <sstream>

namespace parley::bench {
namespace json = boost::json;

namespace {

const char* name(scenario s) {
  switch (s) {
    case scenario::cycle:
      return "cycle";
    case scenario::fanout:
      return "fanout";
    case scenario::connections:
      return "connections";
  }
  return "?";
}

double ms(std::uint64_t micros) {
  return static_cast<double>(micros) / 1000.0;
}

std::uint64_t error_count(const tally& t) {
  std::uint64_t n = 0;
  for (const auto& [kind, count] : t.errors)
    n += count;
  return n;
}

double per_second(std::uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}

double micros_per(double seconds, std::uint64_t n) {
  return n > 0 ? seconds * 1e6 / static_cast<double>(n) : 0;
}

}  // namespace

void tally::merge(const tally& other) {
  latency.merge(other.latency);
  cases += other.cases.get();
  sent += other.sent.get();
  deliveries += other.deliveries.get();
  duplicated += other.duplicated.get();
  out_of_order += other.out_of_order.get();
  connections += other.connections.get();
  reconnects += other.reconnects.get();
  error_count += other.error_count.get();
  for (const auto& [kind, n] : other.errors)
    errors[kind] += n;
}

std::string to_json(const options& o, const result& r) {
  const auto& t = r.total;
  json::object errors_by_kind;
  for (const auto& [kind, n] : t.errors)
    errors_by_kind[kind] = n;
  json::object out{{"scenario", o.seed_compat ? "cycle-seed-compat" : name(o.kind)},
                   {"errors", error_count(t)},
                   {"errors_by_kind", std::move(errors_by_kind)},
                   {"elapsed_s", r.elapsed_s},
                   {"latency_ms",
                    {{"min", ms(t.latency.min())},
                     {"p50", ms(t.latency.quantile(0.50))},
                     {"p90", ms(t.latency.quantile(0.90))},
                     {"p99", ms(t.latency.quantile(0.99))},
                     {"max", ms(t.latency.max())}}}};
  out["client_cpu_s"] = r.client_cpu_s;
  if (r.server_cpu_s) {
    out["server_cpu_s"] = *r.server_cpu_s;
  }
  switch (o.kind) {
    case scenario::cycle:
      out["cases"] = t.cases.get();
      out["cases_per_s"] = per_second(t.cases.get(), r.elapsed_s);
      out["workers"] = o.workers;
      out["client_cpu_us_per_case"] = micros_per(r.client_cpu_s, t.cases.get());
      if (r.server_cpu_s) {
        out["server_cpu_us_per_case"] = micros_per(*r.server_cpu_s, t.cases.get());
      }
      break;
    case scenario::fanout:
      out["sent"] = t.sent.get();
      out["deliveries"] = t.deliveries.get();
      out["deliveries_per_s"] = per_second(t.deliveries.get(), r.elapsed_s);
      out["lost"] = r.lost;
      out["duplicated"] = t.duplicated.get();
      out["out_of_order"] = t.out_of_order.get();
      out["reconnects"] = t.reconnects.get();
      out["subscribers"] = o.subscribers;
      out["publishers"] = o.publishers;
      break;
    case scenario::connections:
      out["connections"] = t.connections.get();
      out["open_s"] = r.open_s;
      break;
  }
  return json::serialize(out);
}

std::string to_text(const options& o, const result& r) {
  const auto& t = r.total;
  std::ostringstream out;
  out << std::fixed << std::setprecision(2);
  out << "scenario       " << (o.seed_compat ? "cycle --seed-compat" : name(o.kind)) << '\n';
  switch (o.kind) {
    case scenario::cycle:
      out << "cases          " << t.cases.get() << " (" << o.workers << " workers)\n";
      out << "cases/s        " << per_second(t.cases.get(), r.elapsed_s) << '\n';
      out << "client CPU     " << micros_per(r.client_cpu_s, t.cases.get()) << " us/case\n";
      if (r.server_cpu_s) {
        out << "server CPU     " << micros_per(*r.server_cpu_s, t.cases.get()) << " us/case\n";
      }
      break;
    case scenario::fanout:
      out << "sent           " << t.sent.get() << '\n';
      out << "deliveries     " << t.deliveries.get() << '\n';
      out << "deliveries/s   " << per_second(t.deliveries.get(), r.elapsed_s) << '\n';
      out << "lost           " << r.lost << "\nduplicated     " << t.duplicated.get()
          << "\nout of order   " << t.out_of_order.get() << '\n';
      out << "reconnects     " << t.reconnects.get() << '\n';
      break;
    case scenario::connections:
      out << "connections    " << t.connections.get() << '\n';
      out << "open time      " << r.open_s << " s\n";
      break;
  }
  out << "elapsed        " << r.elapsed_s << " s\n";
  out << "CPU            client " << r.client_cpu_s << " s";
  if (r.server_cpu_s) {
    out << ", server " << *r.server_cpu_s << " s";
  }
  out << '\n';
  out << "latency ms     min " << ms(t.latency.min()) << "  p50 " << ms(t.latency.quantile(0.5))
      << "  p90 " << ms(t.latency.quantile(0.9)) << "  p99 " << ms(t.latency.quantile(0.99))
      << "  max " << ms(t.latency.max()) << '\n';
  out << "errors         " << error_count(t) << '\n';
  for (const auto& [kind, n] : t.errors)
    out << "  " << kind << ": " << n << '\n';
  return out.str();
}

}  // namespace parley::bench
