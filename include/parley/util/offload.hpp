#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <type_traits>
#include <utility>

namespace parley::util {

namespace detail {

/// Runs the job on the worker, then completes the handler on the handler's own executor.
template <class Executor>
struct offload_initiation {
  Executor worker;

  template <class Handler, class F>
  void operator()(Handler handler, F fn) const {
    namespace asio = boost::asio;
    asio::post(worker, [fn = std::move(fn), handler = std::move(handler)]() mutable {
      using R = std::invoke_result_t<F&>;
      std::exception_ptr error;
      auto ex = asio::get_associated_executor(handler);
      if constexpr (std::is_void_v<R>) {
        try {
          fn();
        } catch (...) {
          error = std::current_exception();
        }
        asio::post(ex,
                   [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
      } else {
        R result{};
        try {
          result = fn();
        } catch (...) {
          error = std::current_exception();
        }
        asio::post(ex, [handler = std::move(handler), error, result = std::move(result)]() mutable {
          std::move(handler)(error, std::move(result));
        });
      }
    });
  }
};

template <class R>
struct offload_signature {
  using type = void(std::exception_ptr, R);
};
template <>
struct offload_signature<void> {
  using type = void(std::exception_ptr);
};

}  // namespace detail

/// Runs `f()` on `worker` (a store thread, a hashing pool) and resumes the awaiting coroutine on
/// its own executor with the result; an exception thrown by `f` is rethrown in the coroutine.
/// This is how blocking work leaves the I/O threads. R must be default-constructible or void.
/// Deliberately not a coroutine itself, and callers name the returned awaitable before
/// co_await-ing it: GCC 12 relocates non-trivial temporaries of a co_await full-expression
/// bitwise, which corrupts short strings captured by the lambda (see docs/architecture.md).
template <class Executor, class F>
auto offload(Executor worker, F f) {
  using R = std::invoke_result_t<F&>;
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>,
                                     typename detail::offload_signature<R>::type>(
      detail::offload_initiation<Executor>{worker}, boost::asio::use_awaitable, std::move(f));
}

}  // namespace parley::util
