#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

namespace parley::net {

/// One io_context per thread (thread-per-core): a connection lives on one context for its whole
/// life, so its handlers never run concurrently and need no strand or lock.
class io_pool {
 public:
  explicit io_pool(unsigned threads);
  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;
  ~io_pool();

  /// Starts one thread per context.
  void start();
  /// Lets the contexts run out of work and joins the threads.
  void join();
  /// Stops every context at once and joins the threads.
  void stop();

  boost::asio::io_context& at(std::size_t i) { return *contexts_[i]; }
  std::size_t size() const { return contexts_.size(); }

 private:
  using guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<guard> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace parley::net
