#include "parley/upload/spool_file.hpp"

#include <stdexcept>
#include <system_error>

#include "parley/util/random.hpp"

namespace parley::upload {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view spool_prefix = ".tmp-";

bool is_hash_name(const std::string& name) {
  return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

spool_file::spool_file(const fs::path& dir, const std::string& declared_type)
    : dir_(dir),
      path_(dir / (std::string(spool_prefix) + util::random_hex(12))),
      sniffer_(declared_type) {
  file_ = std::fopen(path_.c_str(), "wbx");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot create " + path_.string() + ": " +
                             std::generic_category().message(errno));
  }
}

spool_file::~spool_file() {
  if (file_ != nullptr) {
    std::fclose(file_);
  }
  if (!kept_) {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
}

void spool_file::write(std::string_view chunk) {
  if (chunk.empty()) {
    return;
  }
  if (std::fwrite(chunk.data(), 1, chunk.size(), file_) != chunk.size()) {
    throw std::runtime_error("cannot write " + path_.string() + ": " +
                             std::generic_category().message(errno));
  }
  hash_.update(chunk);
  sniffer_.feed(chunk);
  size_ += chunk.size();
}

spooled spool_file::finish() {
  const bool flushed = std::fflush(file_) == 0;
  std::fclose(file_);
  file_ = nullptr;
  if (!flushed) {
    throw std::runtime_error("cannot write " + path_.string());
  }
  return {hash_.hex_digest(), size_, sniffer_.verdict()};
}

void spool_file::place(const std::string& sha256) {
  const auto target = stored_path(dir_, sha256);
  std::error_code ec;
  if (fs::exists(target, ec)) {
    return;  // the destructor drops this copy
  }
  fs::rename(path_, target, ec);
  if (ec) {
    throw std::runtime_error("cannot store " + target.string() + ": " + ec.message());
  }
  kept_ = true;
}

fs::path stored_path(const fs::path& dir, const std::string& sha256) {
  return dir / sha256;
}

void remove_stored(const fs::path& dir, const std::vector<std::string>& hashes) {
  for (const auto& h : hashes) {
    if (is_hash_name(h)) {
      std::error_code ignored;
      fs::remove(stored_path(dir, h), ignored);
    }
  }
}

void remove_leftover_spools(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(spool_prefix)) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

}  // namespace parley::upload
