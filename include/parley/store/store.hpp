#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "parley/store/database.hpp"
#include "parley/util/offload.hpp"

namespace parley::store {

/// Owns the SQLite connection and the one thread that uses it. I/O threads never touch the
/// database: they hand work here with run() and resume when it is done.
class store {
 public:
  /// Opens and migrates the database on the calling thread (start-up), then starts the thread.
  /// Throws sqlite_error or migration_error.
  explicit store(const std::string& path);
  store(const store&) = delete;
  store& operator=(const store&) = delete;
  /// Finishes queued work and closes the database.
  ~store();

  /// Runs `f(database&)` on the store thread; the awaiting coroutine resumes on its own executor.
  template <class F>
  auto run(F f) {
    jobs_.fetch_add(1, std::memory_order_relaxed);
    return util::offload(context_.get_executor(),
                         [this, f = std::move(f)]() mutable { return f(*db_); });
  }

  /// Queues `f(database&)` on the store thread without waiting for it.
  template <class F>
  void post(F f) {
    jobs_.fetch_add(1, std::memory_order_relaxed);
    boost::asio::post(context_, [this, f = std::move(f)]() mutable { f(*db_); });
  }

  /// Runs `f(database&)` on the store thread and waits for it: for start-up, never I/O threads.
  template <class F>
  auto run_blocking(F f) {
    using R = std::invoke_result_t<F&, database&>;
    auto promise = std::make_shared<std::promise<R>>();
    auto result = promise->get_future();
    boost::asio::post(context_, [this, promise, f = std::move(f)]() mutable {
      try {
        if constexpr (std::is_void_v<R>) {
          f(*db_);
          promise->set_value();
        } else {
          promise->set_value(f(*db_));
        }
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    return result.get();
  }

  /// Finishes every queued job, then closes the database; later run() calls fail.
  void stop();

  /// Jobs handed to the store thread so far (run and post): each is a hop between threads.
  std::uint64_t jobs_queued() const { return jobs_.load(std::memory_order_relaxed); }

  /// The schema version after migration.
  int schema_version() const { return schema_version_; }

 private:
  std::unique_ptr<database> db_;
  int schema_version_ = 0;
  std::atomic<std::uint64_t> jobs_{0};
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace parley::store
