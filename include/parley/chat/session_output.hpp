#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>

#include "parley/proto/shared_frame.hpp"

namespace parley::chat {

/// What a session's logic needs from its connection: the transport and its back-pressure.
class session_output {
 public:
  virtual ~session_output() = default;
  /// Queues a frame for the client, in order (over the queue bound the connection is closed as
  /// a slow consumer instead).
  virtual void send(const proto::shared_frame& frame) = 0;
  /// Queues a live channel message like send; its write to the socket is timed from its commit
  /// (parley_delivery_seconds).
  virtual void send_committed(const proto::shared_frame& frame,
                              std::chrono::steady_clock::time_point committed_at) = 0;
  /// Completes once the client's queue has room for a page of replayed messages.
  virtual boost::asio::awaitable<void> wait_for_room() = 0;
  /// False once the connection is closing: a running replay stops.
  virtual bool is_open() const = 0;
  /// Runs `work` on the session's thread beside the command being handled (work a delivered
  /// event starts, such as joining a match), keeping the session alive until it ends.
  virtual void spawn(std::function<boost::asio::awaitable<void>()> work) = 0;
};

}  // namespace parley::chat
