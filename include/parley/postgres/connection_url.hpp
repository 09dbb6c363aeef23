#pragma once

#include <string>
#include <string_view>

namespace parley::postgres {

/// Whether PARLEY_DB names a PostgreSQL database (postgres:// or postgresql://) rather than a
/// SQLite file.
bool is_postgres_url(std::string_view db);

/// The URL with its password (if any) replaced by "***": for logs.
std::string without_password(std::string_view url);

}  // namespace parley::postgres
