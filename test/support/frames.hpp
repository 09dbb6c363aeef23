#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "support/ws_client.hpp"

namespace parley::test {

/// A string field of a frame (throws if absent or not a string).
std::string str(const boost::json::object& o, const char* key);

/// Checks (Catch2 CHECKs) that `frame` is an error frame with this code and a message.
void check_error(const boost::json::object& frame, const std::string& code);

/// Reads `count` message frames of `channel`, skipping other frames; throws on timeout.
std::vector<boost::json::object> read_messages(ws_client& c, const std::string& channel,
                                               std::size_t count,
                                               std::chrono::milliseconds deadline = 30s);

/// The ids of message frames, in order.
std::vector<std::int64_t> ids_of(const std::vector<boost::json::object>& messages);

/// One unlabelled value from the server's /metrics (throws if absent).
std::uint64_t metric(std::uint16_t port, const std::string& name);

}  // namespace parley::test
