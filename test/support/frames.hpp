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

/// Joins the channel (REQUIREs `joined`).
void join(ws_client& c, const std::string& channel);
/// Sends text to the channel (REQUIREs the echo) and returns the message's id.
std::int64_t send_text(ws_client& c, const std::string& channel, const std::string& text);
/// Waits for `user_joined`/`user_left` of `user` in `channel`, skipping other frames.
bool await_user_event(ws_client& c, const std::string& type, const std::string& channel,
                      const std::string& user, std::chrono::milliseconds deadline);
/// The channel's presence list.
std::vector<std::string> present(ws_client& c, const std::string& channel);

/// One unlabelled value from the server's /metrics (throws if absent).
std::uint64_t metric(std::uint16_t port, const std::string& name);
std::uint64_t metric(const endpoint& at, const std::string& name);

}  // namespace parley::test
