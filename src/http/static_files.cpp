#include "parley/http/static_files.hpp"

#include <algorithm>

#include "parley/http/url.hpp"

namespace parley::http {
namespace fs = std::filesystem;

std::optional<fs::path> resolve_static(const fs::path& root, std::string_view request_path) {
  const auto decoded = percent_decode(request_path);
  if (!decoded || decoded->empty() || decoded->front() != '/' ||
      decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) {
    return std::nullopt;
  }
  fs::path candidate = root;
  std::string_view rest(*decoded);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") {
      continue;
    }
    if (segment == "..") {
      return std::nullopt;
    }
    candidate /= std::string(segment);
  }
  std::error_code ec;
  if (fs::is_directory(candidate, ec)) {
    candidate /= "index.html";
  }
  // canonical() follows symlinks, so a link that points outside the root is caught here.
  const auto real = fs::canonical(candidate, ec);
  if (ec || !fs::is_regular_file(real, ec)) {
    return std::nullopt;
  }
  const auto [root_end, _] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (root_end != root.end()) {
    return std::nullopt;
  }
  return real;
}

std::string_view mime_type(const fs::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".html")
    return "text/html; charset=utf-8";
  if (ext == ".js")
    return "text/javascript";
  if (ext == ".css")
    return "text/css";
  if (ext == ".json")
    return "application/json";
  if (ext == ".svg")
    return "image/svg+xml";
  if (ext == ".png")
    return "image/png";
  if (ext == ".ico")
    return "image/x-icon";
  if (ext == ".txt")
    return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace parley::http
