#include "parley/upload/type_sniffer.hpp"

#include "parley/upload/media_type.hpp"

namespace parley::upload {

type_sniffer::type_sniffer(std::string declared_essence) : declared_(essence(declared_essence)) {
  if (declared_ == "image/png") {
    kind_ = kind::png;
  } else if (declared_ == "image/jpeg") {
    kind_ = kind::jpeg;
  } else if (declared_ == "image/gif") {
    kind_ = kind::gif;
  } else if (declared_ == "image/webp") {
    kind_ = kind::webp;
  } else if (declared_ == "application/pdf") {
    kind_ = kind::pdf;
  } else if (declared_ == "text/plain") {
    kind_ = kind::text;
  }
  head_.reserve(head_capacity);
}

void type_sniffer::feed(std::string_view chunk) {
  if (chunk.empty()) {
    return;
  }
  empty_ = false;
  if (head_.size() < head_capacity) {
    head_.append(chunk.substr(0, head_capacity - head_.size()));
  }
  if (kind_ == kind::text) {
    feed_text(chunk);
  }
}

void type_sniffer::start_sequence(std::uint8_t length, std::uint32_t bits) {
  length_ = length;
  pending_ = static_cast<std::uint8_t>(length - 1);
  code_point_ = bits;
}

void type_sniffer::feed_text(std::string_view chunk) {
  // Same rules as util::utf8_length, one byte at a time so a sequence may span chunks.
  static constexpr std::uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  for (const char ch : chunk) {
    if (!text_valid_) {
      return;
    }
    const auto b = static_cast<std::uint8_t>(ch);
    if (pending_ > 0) {
      if ((b & 0xC0) != 0x80) {
        text_valid_ = false;
        return;
      }
      code_point_ = (code_point_ << 6) | (b & 0x3F);
      if (--pending_ == 0 && (code_point_ < min_for_length[length_] || code_point_ > 0x10FFFF ||
                              (code_point_ >= 0xD800 && code_point_ <= 0xDFFF))) {
        text_valid_ = false;
      }
    } else if (b == 0) {
      // NUL is valid UTF-8 but marks binary data, not text.
      text_valid_ = false;
    } else if (b < 0x80) {
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      start_sequence(2, b & 0x1F);
    } else if ((b & 0xF0) == 0xE0) {
      start_sequence(3, b & 0x0F);
    } else if ((b & 0xF8) == 0xF0) {
      start_sequence(4, b & 0x07);
    } else {
      text_valid_ = false;  // a stray continuation byte, or 0xF8..0xFF
    }
  }
}

bool type_sniffer::magic_matches() const {
  const std::string_view head = head_;
  const auto starts_with = [&](std::string_view magic) {
    return head.substr(0, magic.size()) == magic;
  };
  switch (kind_) {
    case kind::png:
      return starts_with(std::string_view("\x89PNG\r\n\x1a\n", 8));
    case kind::jpeg:
      return starts_with("\xff\xd8\xff");
    case kind::gif:
      return starts_with("GIF87a") || starts_with("GIF89a");
    case kind::webp:
      return head.size() >= 12 && starts_with("RIFF") && head.substr(8, 4) == "WEBP";
    case kind::pdf:
      return starts_with("%PDF-");
    case kind::text:
      return text_valid_ && pending_ == 0;
    case kind::none:
      break;
  }
  return false;
}

std::optional<std::string> type_sniffer::verdict() const {
  if (empty_ || !magic_matches()) {
    return std::nullopt;
  }
  return declared_;
}

}  // namespace parley::upload
