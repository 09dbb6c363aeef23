#pragma once

#include <string_view>

namespace parley::metrics {

/// The version this binary was built as: the project version from CMake, then "+g<revision>"
/// when built from a git clone (".dirty" appended with uncommitted changes). `parley --version`
/// prints it and parley_build_info carries it as its `version` label.
std::string_view build_version();

}  // namespace parley::metrics
