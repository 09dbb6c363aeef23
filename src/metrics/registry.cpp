#include "parley/metrics/registry.hpp"

#include "parley/metrics/build_version.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace parley::metrics {
namespace {

void family(std::ostringstream& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

template <class T>
void single(std::ostringstream& out, const char* name, const char* type, const char* help,
            const std::atomic<T>& value) {
  family(out, name, type, help);
  out << name << ' ' << value.load(std::memory_order_relaxed) << '\n';
}

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void labeled(std::ostringstream& out, const char* name, const char* help,
             std::initializer_list<const char*> labels, const labeled_counter& counter) {
  family(out, name, "counter", help);
  for (const auto& [values, n] : counter.snapshot()) {
    out << name << '{';
    std::size_t i = 0;
    for (const char* label : labels) {
      out << (i ? "," : "") << label << "=\"" << escape_label(values.at(i)) << '"';
      ++i;
    }
    out << "} " << n << '\n';
  }
}

}  // namespace

std::string counter_text(std::string_view name, std::string_view help, std::uint64_t value) {
  std::ostringstream out;
  family(out, name, "counter", help);
  out << name << ' ' << value << '\n';
  return out.str();
}

std::uint64_t resident_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  if (!(statm >> size >> resident)) {
    return 0;
  }
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

void registry::set_io_threads(std::size_t count) {
  thread_queue_depth_ = std::make_unique<std::atomic<std::int64_t>[]>(count);
  io_threads_ = count;
}

void registry::count_frame_in(std::string_view type) {
  const auto known = std::find(ws_frame_types.begin(), ws_frame_types.end() - 1, type);
  ws_frames_in[static_cast<std::size_t>(known - ws_frame_types.begin())].fetch_add(
      1, std::memory_order_relaxed);
}

void registry::count_frame_out(std::string_view frame) {
  constexpr std::string_view prefix = R"({"type":")";
  std::size_t index = ws_out_frame_types.size() - 1;
  if (frame.starts_with(prefix)) {
    const auto rest = frame.substr(prefix.size());
    const auto type = rest.substr(0, rest.find('"'));
    for (std::size_t i = 0; i + 1 < ws_out_frame_types.size(); ++i) {
      if (type == ws_out_frame_types[i]) {
        index = i;
        break;
      }
    }
  }
  ws_frames_out[index].fetch_add(1, std::memory_order_relaxed);
}

std::string registry::render() const {
  std::ostringstream out;
  family(out, "parley_build_info", "gauge", "Always 1; the labels name the version and instance.");
  out << "parley_build_info{version=\"" << escape_label(std::string(build_version()))
      << "\",instance=\"" << escape_label(instance_id) << "\"} 1\n";
  single(out, "parley_connections", "gauge", "Open TCP connections.", connections);
  single(out, "parley_ws_sessions", "gauge", "Open WebSocket sessions.", ws_sessions);
  single(out, "parley_channels", "gauge", "Channels with at least one subscribed session.",
         channels);
  single(out, "parley_messages_total", "counter", "Messages stored.", messages_total);
  single(out, "parley_deliveries_total", "counter", "Message frames queued to sessions.",
         deliveries_total);
  single(out, "parley_slow_consumer_closes_total", "counter",
         "Sessions closed because their outbound queue passed the bound.",
         slow_consumer_closes_total);
  single(out, "parley_rate_limited_total", "counter", "Frames dropped by the rate limit.",
         rate_limited_total);
  single(out, "parley_typing_dropped_total", "counter",
         "Typing indicators dropped beyond one session's typing rate.", typing_dropped_total);
  single(out, "parley_uploads_total", "counter", "Uploads accepted.", uploads_total);
  single(out, "parley_upload_bytes_total", "counter", "Bytes of accepted uploads.",
         upload_bytes_total);
  single(out, "parley_uploads_stored", "gauge", "Upload records in the store.", uploads_stored);
  single(out, "parley_uploads_stored_bytes", "gauge", "Bytes of the uploads in the store.",
         uploads_stored_bytes);
  single(out, "parley_store_queue_depth", "gauge", "Messages waiting for their commit.",
         store_queue_depth);
  family(out, "parley_store_commit_seconds", "histogram",
         "Time of one message batch's transaction, first statement to COMMIT.");
  store_commit_seconds.render(out, "parley_store_commit_seconds");
  family(out, "parley_delivery_seconds", "histogram",
         "From a message's commit to the write of its frame to a recipient's socket.");
  delivery_seconds.render(out, "parley_delivery_seconds");
  family(out, "parley_http_request_duration_seconds", "histogram",
         "From a request read to its response handed to the socket.");
  http_request_seconds.render(out, "parley_http_request_duration_seconds");
  family(out, "parley_thread_queue_depth", "gauge",
         "Work handed to an I/O thread by other threads and not yet run, by thread.");
  for (std::size_t i = 0; i < io_threads_; ++i) {
    out << "parley_thread_queue_depth{thread=\"" << i << "\"} "
        << thread_queue_depth_[i].load(std::memory_order_relaxed) << '\n';
  }
  family(out, "parley_ws_frames_out_total", "counter", "WebSocket frames written, by type.");
  for (std::size_t i = 0; i < ws_out_frame_types.size(); ++i) {
    out << "parley_ws_frames_out_total{type=\"" << ws_out_frame_types[i] << "\"} "
        << ws_frames_out[i].load(std::memory_order_relaxed) << '\n';
  }
  family(out, "parley_ws_frames_in_total", "counter", "WebSocket frames received, by type.");
  for (std::size_t i = 0; i < ws_frame_types.size(); ++i) {
    out << "parley_ws_frames_in_total{type=\"" << ws_frame_types[i] << "\"} "
        << ws_frames_in[i].load(std::memory_order_relaxed) << '\n';
  }
  labeled(out, "parley_errors_total", "Error replies sent, by code.", {"code"}, errors_total);
  labeled(out, "parley_http_requests_total", "HTTP requests answered, by route and status.",
          {"route", "status"}, http_requests_total);
  if (const int redis = redis_connected.load(std::memory_order_relaxed); redis >= 0) {
    family(out, "parley_redis_connected", "gauge", "1 while connected to Redis.");
    out << "parley_redis_connected " << redis << '\n';
    family(out, "parley_redis_reconnects_total", "counter",
           "Redis connections lost (each is retried with backoff).");
    out << "parley_redis_reconnects_total "
        << redis_reconnects_total.load(std::memory_order_relaxed) << '\n';
    family(out, "parley_redis_publish_failures_total", "counter",
           "Cluster messages that could not be published to Redis.");
    out << "parley_redis_publish_failures_total "
        << redis_publish_failures_total.load(std::memory_order_relaxed) << '\n';
    family(out, "parley_cluster_peers", "gauge", "Other instances heard from recently.");
    out << "parley_cluster_peers " << cluster_peers.load(std::memory_order_relaxed) << '\n';
  }
  family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out << "process_resident_memory_bytes " << resident_memory_bytes() << '\n';
  return out.str();
}

}  // namespace parley::metrics
