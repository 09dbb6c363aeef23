#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::upload {

/// Checks an upload's declared type against its bytes while the body streams in, so a lying
/// Content-Type (a script declared as an image, say) is refused with 415 without ever holding
/// the whole body in memory.
///
/// Only the first bytes are kept, for the magic numbers; for `text/plain` the whole body is run
/// through a streaming UTF-8 validator that carries a sequence split across chunks.
class type_sniffer {
 public:
  /// `declared_essence`: the declared Content-Type; it is reduced to its essence here as well,
  /// so a raw header value works too.
  explicit type_sniffer(std::string declared_essence);

  /// False when the declared type is not one of the accepted six: the caller can answer 415
  /// before reading any of the body.
  bool declared_type_allowed() const { return kind_ != kind::none; }

  /// The next piece of the body, of any size (an empty one is harmless).
  void feed(std::string_view chunk);

  /// Call once the body is complete: the declared essence when it is allowed and the bytes
  /// match it, else nullopt. An empty body matches no type.
  std::optional<std::string> verdict() const;

 private:
  enum class kind : std::uint8_t { none, png, jpeg, gif, webp, pdf, text };

  /// Enough for the longest magic check (WebP reads bytes 0–11).
  static constexpr std::size_t head_capacity = 16;

  void feed_text(std::string_view chunk);
  void start_sequence(std::uint8_t length, std::uint32_t bits);
  bool magic_matches() const;

  std::string declared_;
  kind kind_ = kind::none;
  std::string head_;  ///< the first bytes, at most head_capacity
  bool empty_ = true;

  // The UTF-8 validator's state, between chunks.
  bool text_valid_ = true;
  std::uint8_t pending_ = 0;  ///< continuation bytes still expected
  std::uint8_t length_ = 0;   ///< length of the sequence being read
  std::uint32_t code_point_ = 0;
};

}  // namespace parley::upload
