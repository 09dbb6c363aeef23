#include "parley/net/io_pool.hpp"

#include "parley/log/log.hpp"

namespace parley::net {

io_pool::io_pool(unsigned threads) {
  for (unsigned i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread, so Asio can skip locking.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
}

io_pool::~io_pool() {
  stop();
}

void io_pool::start() {
  for (auto& ctx : contexts_) {
    threads_.emplace_back([&ctx] {
      for (;;) {
        try {
          ctx->run();
          return;
        } catch (const std::exception& e) {
          // A handler that throws is a bug; log it and keep the thread serving the others.
          PARLEY_LOG(error, "io") << "unhandled exception in I/O thread: " << e.what();
        }
      }
    });
  }
}

void io_pool::join() {
  guards_.clear();
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
  threads_.clear();
}

void io_pool::stop() {
  guards_.clear();
  for (auto& ctx : contexts_) {
    ctx->stop();
  }
  join();
}

}  // namespace parley::net
