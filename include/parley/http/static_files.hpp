#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace parley::http {

/// Maps a request path to a regular file inside `root` (which must be canonical). nullopt for
/// anything that does not exist or would leave the root: `..` segments (also percent-encoded),
/// NUL bytes, backslashes, and symlinks that point outside. "/" and directories map to index.html.
std::optional<std::filesystem::path> resolve_static(const std::filesystem::path& root,
                                                    std::string_view request_path);

/// The Content-Type for a file, by extension (contract's table; anything else octet-stream).
std::string_view mime_type(const std::filesystem::path& file);

}  // namespace parley::http
