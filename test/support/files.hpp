#pragma once

#include <filesystem>
#include <string>

namespace parley::test {

/// A file's whole content, byte for byte; empty when it cannot be opened.
std::string read_file(const std::filesystem::path& path);

/// A file of the source tree (deploy/, packaging/, …), by its path from the project's root.
std::filesystem::path source_path(const std::string& relative);

}  // namespace parley::test
