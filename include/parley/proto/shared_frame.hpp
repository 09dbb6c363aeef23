#pragma once

#include <memory>
#include <string>

namespace parley::proto {

/// An encoded frame shared by every recipient: encoded once, never copied per session.
using shared_frame = std::shared_ptr<const std::string>;

/// Shares an encoded frame.
inline shared_frame make_frame(std::string encoded) {
  return std::make_shared<const std::string>(std::move(encoded));
}

}  // namespace parley::proto
