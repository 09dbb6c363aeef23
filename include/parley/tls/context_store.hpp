#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <string>

namespace parley::tls {

/// Builds the server's TLS context: TLS 1.2 and 1.3 only, forward-secret AEAD ciphers, no
/// renegotiation or compression, the certificate chain and key from PEM files. Throws
/// std::runtime_error naming the file and OpenSSL's reason when either cannot be used.
std::shared_ptr<boost::asio::ssl::context> make_server_context(const std::string& cert_file,
                                                               const std::string& key_file);

/// The context new connections are made with, replaceable while connections run: an OpenSSL
/// connection holds a reference to the context it was made from, so replacing it never touches
/// an open connection.
class context_store {
 public:
  /// Loads the files; throws as make_server_context.
  context_store(std::string cert_file, std::string key_file);

  /// The context for a connection about to start (any thread).
  std::shared_ptr<boost::asio::ssl::context> current() const;

  /// Reads both files again. On success new connections use them; on failure the current
  /// context stays and the reason is returned (empty on success). Blocks on disk: never call
  /// it on an I/O thread.
  std::string reload();

 private:
  std::string cert_file_;
  std::string key_file_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace parley::tls
