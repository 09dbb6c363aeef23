#pragma once

#include <string>
#include <string_view>

#include "parley/store/database.hpp"

namespace parley::postgres {

/// Rewrites SQLite's parameters (`?` numbered in order after the highest so far, `?N`) as
/// PostgreSQL's `$N`, leaving quoted strings and identifiers alone: the store's SQL is written
/// once for both engines.
std::string to_postgres_parameters(std::string_view sql);

/// What a PostgreSQL error means to the store, from its SQLSTATE (empty when the connection
/// failed before the server answered).
store::database_error::kind classify_sqlstate(std::string_view sqlstate);

/// libpq's messages span lines (a hint, an indented detail); logs and the start-up error take
/// one line.
std::string one_line(std::string_view message);

}  // namespace parley::postgres
