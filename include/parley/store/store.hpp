#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "parley/store/database.hpp"
#include "parley/store/sqlite_database.hpp"
#include "parley/util/offload.hpp"

namespace parley::store {

/// Owns the database connections and the threads that use them. I/O threads never touch the
/// database: they hand work here with run() and resume when it is done.
///
/// One thread, the writer, runs every post() job in order on its own connection: the message
/// log's batches and the cluster's delivery order live there and need no locks. run() jobs go to
/// the writer as well unless the store was given readers: then they run on a pool of that many
/// threads with a connection each (PostgreSQL, where connections work in parallel; SQLite keeps
/// one connection, its writes are serialised by the file anyway).
class store {
 public:
  /// Makes one connection; throws database_error when the database cannot be reached.
  using connect_fn = std::function<std::unique_ptr<database>()>;

  /// Connects and migrates on the calling thread (start-up), then starts the threads.
  /// Throws database_error or migration_error.
  explicit store(connect_fn connect, int readers = 0);
  /// A SQLite file, no readers.
  explicit store(const std::string& sqlite_path);
  store(const store&) = delete;
  store& operator=(const store&) = delete;
  /// Finishes queued work and closes the database.
  ~store();

  /// Runs `f(database&)` on the store thread; the awaiting coroutine resumes on its own executor.
  template <class F>
  auto run(F f) {
    jobs_.fetch_add(1, std::memory_order_relaxed);
    if (readers_.empty()) {
      return util::offload(context_.get_executor(),
                           [this, f = std::move(f)]() mutable { return f(*db_); });
    }
    return util::offload(reader_context_.get_executor(),
                         [f = std::move(f)]() mutable { return f(reader_connection()); });
  }

  /// Queues `f(database&)` on the writer thread without waiting for it. A job that throws is
  /// logged and dropped: the thread goes on with the next.
  template <class F>
  void post(F f) {
    jobs_.fetch_add(1, std::memory_order_relaxed);
    boost::asio::post(context_, [this, f = std::move(f)]() mutable {
      try {
        f(*db_);
      } catch (const std::exception& e) {
        log_failed_job(e);
      }
    });
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
  /// The connection of the reader thread calling it.
  static database& reader_connection();
  static void log_failed_job(const std::exception& e);

  std::unique_ptr<database> db_;
  int schema_version_ = 0;
  std::atomic<std::uint64_t> jobs_{0};
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  boost::asio::io_context reader_context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> reader_work_;
  std::vector<std::thread> readers_;
};

}  // namespace parley::store
