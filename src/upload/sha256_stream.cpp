#include "parley/upload/sha256_stream.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace parley::upload {

namespace {

void init(EVP_MD_CTX* ctx) {
  if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
  }
}

}  // namespace

void sha256_stream::context_deleter::operator()(evp_md_ctx_st* ctx) const noexcept {
  EVP_MD_CTX_free(ctx);
}

sha256_stream::sha256_stream() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) {
    throw std::runtime_error("EVP_MD_CTX_new failed");
  }
  init(ctx_.get());
}

void sha256_stream::update(std::string_view data) {
  if (data.empty()) {
    return;
  }
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

std::string sha256_stream::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), digest, &size) != 1) {
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  }
  init(ctx_.get());
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0x0F]);
  }
  return out;
}

}  // namespace parley::upload
