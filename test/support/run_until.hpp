#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

namespace parley::test {

/// Runs `ioc` until `done` holds or the deadline passes (bounded in count too); returns `done()`.
template <class Done>
bool run_until(boost::asio::io_context& ioc, std::chrono::milliseconds deadline, Done done) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (int i = 0; i < 1'000'000 && !done() && std::chrono::steady_clock::now() < until; ++i) {
    ioc.run_one_until(until);
    if (ioc.stopped()) {
      ioc.restart();
    }
  }
  return done();
}

/// Reads frames with `read(time left)` (which returns an optional frame, empty at its deadline)
/// until one satisfies `wanted`; empty when none does within `deadline`. What a test client's
/// read_type and request share.
template <class Read, class Wanted>
std::optional<boost::json::object> read_until(Read read, Wanted wanted,
                                              std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (int i = 0; i < 10'000; ++i) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    std::optional<boost::json::object> frame = read(std::max(left, std::chrono::milliseconds(0)));
    if (!frame) {
      return std::nullopt;
    }
    if (wanted(*frame)) {
      return frame;
    }
  }
  return std::nullopt;
}

/// Whether `frame` is the reply to the request sent with `ref`.
inline bool replies_to(const boost::json::object& frame, const std::string& ref) {
  const auto* r = frame.if_contains("ref");
  return r != nullptr && r->is_string() && r->get_string() == ref;
}

}  // namespace parley::test
