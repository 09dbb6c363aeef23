// The upload type sniffer against a plain reference: the body is streamed in chunks of sizes the
// input picks, and the verdict must be exactly what checking the whole body at once gives — the
// magic number for images and PDF, util::utf8_length (and no NUL) for text.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "parley/upload/media_type.hpp"
#include "parley/upload/type_sniffer.hpp"
#include "parley/util/utf8.hpp"

namespace {

using parley::upload::type_sniffer;

/// What the verdict must be for `body` declared as `essence`.
bool body_matches(std::string_view essence, std::string_view body) {
  if (body.empty()) {
    return false;
  }
  if (essence == "image/png") {
    return body.starts_with(std::string_view("\x89PNG\r\n\x1a\n", 8));
  }
  if (essence == "image/jpeg") {
    return body.starts_with("\xff\xd8\xff");
  }
  if (essence == "image/gif") {
    return body.starts_with("GIF87a") || body.starts_with("GIF89a");
  }
  if (essence == "image/webp") {
    return body.size() >= 12 && body.starts_with("RIFF") && body.substr(8, 4) == "WEBP";
  }
  if (essence == "application/pdf") {
    return body.starts_with("%PDF-");
  }
  if (essence == "text/plain") {
    return parley::util::utf8_length(body) && body.find('\0') == std::string_view::npos;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  static constexpr const char* declared_types[] = {"image/png",       "image/jpeg",
                                                   "IMAGE/GIF",       " image/webp ; q=1",
                                                   "application/pdf", "text/plain; charset=utf-8",
                                                   "image/svg+xml",   "text/html"};
  const std::string declared = input.ConsumeBool() ? input.PickValueInArray(declared_types)
                                                   : input.ConsumeRandomLengthString(32);
  const auto max_chunk = input.ConsumeIntegralInRange<std::size_t>(1, 32);
  const std::string body = input.ConsumeRemainingBytesAsString();

  type_sniffer sniffer(declared);
  for (std::size_t at = 0; at < body.size();) {
    // Chunk sizes cycle through 1..max_chunk, so sequences and magic numbers get split anywhere.
    const auto n = std::min(body.size() - at, 1 + (at * 7 + body.size()) % max_chunk);
    sniffer.feed(std::string_view(body).substr(at, n));
    sniffer.feed({});
    at += n;
  }
  const auto verdict = sniffer.verdict();

  const auto essence = parley::upload::essence(declared);
  PARLEY_FUZZ_CHECK(verdict.has_value() == body_matches(essence, body));
  PARLEY_FUZZ_CHECK(!verdict || *verdict == essence);
  PARLEY_FUZZ_CHECK(sniffer.declared_type_allowed() || !verdict);
  return 0;
}
