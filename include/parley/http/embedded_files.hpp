#pragma once

#include <string_view>
#include <vector>

namespace parley::http {

/// One file of the built-in web client, compiled in from static/ (cmake/embed_static.cmake).
struct embedded_file {
  std::string_view path;  ///< "/index.html", "/js/main.js" ...
  std::string_view content;
};

/// Every built-in file, sorted by path.
const std::vector<embedded_file>& embedded_files();

}  // namespace parley::http
