#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parley::util {

/// Completion token for coroutines that treat expected errors (EOF, timeouts, cancellation) as
/// values: `auto [ec, n] = co_await op(..., with_error);`
inline constexpr auto with_error = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace parley::util
