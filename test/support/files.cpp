#include "support/files.hpp"

#include <fstream>
#include <sstream>

namespace parley::test {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::filesystem::path source_path(const std::string& relative) {
  return std::filesystem::path(PARLEY_SOURCE_DIR) / relative;
}

}  // namespace parley::test
