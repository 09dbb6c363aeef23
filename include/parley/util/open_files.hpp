#pragma once

#include <cstdint>

namespace parley::util {

/// Raises the open-files soft limit to the hard limit; returns the new soft limit. Thousands of
/// sessions need thousands of descriptors, in the server and in the load-test client alike.
std::uint64_t raise_open_files_limit();

}  // namespace parley::util
