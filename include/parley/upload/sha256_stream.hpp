#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace parley::upload {

/// SHA-256 of a stream fed piece by piece, so an upload is hashed as it arrives and stored once
/// per content under its digest, without holding the whole body.
///
/// Owns an OpenSSL EVP_MD_CTX. Movable, not copyable; a moved-from stream may only be destroyed
/// or assigned to.
class sha256_stream {
 public:
  /// Throws std::runtime_error when OpenSSL cannot set up the digest.
  sha256_stream();

  sha256_stream(sha256_stream&&) noexcept = default;
  sha256_stream& operator=(sha256_stream&&) noexcept = default;
  sha256_stream(const sha256_stream&) = delete;
  sha256_stream& operator=(const sha256_stream&) = delete;
  ~sha256_stream() = default;

  /// Hashes the next piece of the stream.
  void update(std::string_view data);

  /// Finalises: the digest of everything fed since construction (or the previous call), as 64
  /// lower-case hex characters, the form file names use. The stream then starts over, empty.
  std::string hex_digest();

 private:
  struct context_deleter {
    void operator()(evp_md_ctx_st* ctx) const noexcept;
  };

  std::unique_ptr<evp_md_ctx_st, context_deleter> ctx_;
};

}  // namespace parley::upload
