#include "parley/tls/context_store.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace parley::tls {
namespace ssl = boost::asio::ssl;

namespace {

/// TLS 1.2 suites with forward secrecy and authenticated encryption (Mozilla's "intermediate"
/// list); TLS 1.3 suites are all of that kind and keep OpenSSL's defaults.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// OpenSSL's reason for the last failure, or `fallback` when its queue is empty.
std::string openssl_reason(const std::string& fallback) {
  const auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return fallback;
  }
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

std::shared_ptr<ssl::context> make_server_context(const std::string& cert_file,
                                                  const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  auto* handle = ctx->native_handle();
  SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION);
  SSL_CTX_set_options(handle, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // An idle connection gives its record buffers back to the allocator: a chat server holds
  // many connections that are silent most of the time.
  SSL_CTX_set_mode(handle, SSL_MODE_RELEASE_BUFFERS);
  // A key with a passphrase fails to load instead of OpenSSL prompting on the terminal.
  SSL_CTX_set_default_passwd_cb(handle, [](char*, int, int, void*) { return 0; });
  if (SSL_CTX_set_cipher_list(handle, tls12_ciphers) != 1) {
    throw std::runtime_error("TLS cipher list refused: " + openssl_reason("unknown"));
  }
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(handle, cert_file.c_str()) != 1) {
    throw std::runtime_error("cannot use the TLS certificate '" + cert_file +
                             "': " + openssl_reason("unreadable"));
  }
  if (SSL_CTX_use_PrivateKey_file(handle, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      throw std::runtime_error("the TLS key '" + key_file + "' does not match the certificate '" +
                               cert_file + "'");
    }
    throw std::runtime_error("cannot use the TLS key '" + key_file +
                             "': " + openssl_reason("unreadable"));
  }
  if (SSL_CTX_check_private_key(handle) != 1) {
    throw std::runtime_error("the TLS key '" + key_file + "' does not match the certificate '" +
                             cert_file + "'");
  }
  return ctx;
}

context_store::context_store(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      current_(make_server_context(cert_file_, key_file_)) {}

std::shared_ptr<ssl::context> context_store::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::string context_store::reload() {
  try {
    auto fresh = make_server_context(cert_file_, key_file_);
    std::lock_guard lock(mutex_);
    current_ = std::move(fresh);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace parley::tls
