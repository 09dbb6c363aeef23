#pragma once

#include <cstdint>
#include <string>

namespace parley::model {

/// An upload record: one uploaded file as its uploader named it. The bytes are stored once per
/// `sha256`, so several records may share one hash.
struct upload {
  std::string id;  ///< random, unguessable; in the URL /uploads/<id>
  std::int64_t uploader_id = 0;
  std::string name;
  std::string type;             ///< media type
  std::int64_t size = 0;        ///< bytes
  std::string sha256;           ///< hex SHA-256 of the content
  std::int64_t created_at = 0;  ///< unix seconds
};

/// An upload as a message carries it (the `url` is built from `id` elsewhere).
struct attachment {
  std::string id;
  std::string name;
  std::string type;
  std::int64_t size = 0;

  bool operator==(const attachment&) const = default;
};

}  // namespace parley::model
