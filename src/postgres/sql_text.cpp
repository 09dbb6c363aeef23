#include "parley/postgres/sql_text.hpp"

#include <algorithm>

namespace parley::postgres {

std::string to_postgres_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  char quote = 0;  // the quote character we are inside, if any
  int highest = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      // A doubled quote inside a literal closes and reopens it: the toggle handles it.
      if (c == quote) {
        quote = 0;
      }
      out += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') {
      ++end;
    }
    int number = 0;
    if (end == i + 1) {
      number = highest + 1;
    } else {
      for (std::size_t d = i + 1; d < end; ++d) {
        number = number * 10 + (sql[d] - '0');
      }
    }
    highest = std::max(highest, number);
    out += '$';
    out += std::to_string(number);
    i = end - 1;
  }
  return out;
}

store::database_error::kind classify_sqlstate(std::string_view sqlstate) {
  using kind = store::database_error::kind;
  // Class 23: integrity constraint violation. Class 08: connection exception; 57P01-57P03: the
  // server is shutting down or not yet accepting connections; no SQLSTATE: libpq lost the server.
  if (sqlstate.substr(0, 2) == "23") {
    return kind::constraint;
  }
  if (sqlstate.empty() || sqlstate.substr(0, 2) == "08" || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    return kind::unavailable;
  }
  return kind::other;
}

std::string one_line(std::string_view message) {
  std::string out;
  bool space = false;
  for (const char c : message) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

}  // namespace parley::postgres
