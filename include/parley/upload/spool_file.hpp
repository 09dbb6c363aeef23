#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/upload/sha256_stream.hpp"
#include "parley/upload/type_sniffer.hpp"

namespace parley::upload {

/// What a finished upload turned out to be.
struct spooled {
  std::string sha256;
  std::uint64_t size = 0;
  std::optional<std::string> type;  ///< nullopt: the bytes do not match the declared type
};

/// The temporary file one upload streams into, hashed and type-checked as it grows, so that the
/// body is never held whole in memory. Blocking file I/O: every call belongs on a worker thread,
/// never on an I/O thread; calls are made one at a time. The temporary file is removed unless
/// place() kept it.
class spool_file {
 public:
  /// Creates `<dir>/.tmp-<random>`. Throws std::runtime_error when it cannot.
  spool_file(const std::filesystem::path& dir, const std::string& declared_type);
  spool_file(const spool_file&) = delete;
  spool_file& operator=(const spool_file&) = delete;
  ~spool_file();

  /// Appends the next piece of the body. Throws when the disk refuses it.
  void write(std::string_view chunk);
  /// Flushes and closes the file; what it holds.
  spooled finish();
  /// Moves the finished file to `<dir>/<sha256>`, or drops it when a file with the same bytes is
  /// stored already: the same content is stored once. Run where the sweep runs (the store
  /// thread), so that a file is never deleted between this and its record's insertion.
  void place(const std::string& sha256);

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  sha256_stream hash_;
  type_sniffer sniffer_;
  std::uint64_t size_ = 0;
  bool kept_ = false;
};

/// Where the file with these bytes is stored.
std::filesystem::path stored_path(const std::filesystem::path& dir, const std::string& sha256);

/// Deletes stored files no upload record points at any more (the sweep's result).
void remove_stored(const std::filesystem::path& dir, const std::vector<std::string>& hashes);

/// Deletes temporary files a crash left behind (start-up).
void remove_leftover_spools(const std::filesystem::path& dir);

}  // namespace parley::upload
