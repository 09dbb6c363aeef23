// The WebSocket frame reader on arbitrary client bytes. The input is decoded twice: whole, and
// delivered in chunks the way a socket might split it, buffered as ws::connection buffers it.
// Both must see the same events, and every event must stay inside the bytes it was given.
//
// Input: [chunk seed][max message selector][client bytes...]

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "check.hpp"
#include "parley/util/utf8.hpp"
#include "parley/ws/frame.hpp"

namespace {

using parley::ws::frame_event;
using parley::ws::frame_reader;
using kind = frame_event::kind;

struct seen_event {
  kind what;
  std::string payload;
  std::uint16_t code;
  bool operator==(const seen_event&) const = default;
};

bool inside(std::string_view part, const char* begin, std::size_t size) {
  return part.data() >= begin && part.data() + part.size() <= begin + size;
}

bool overlaps(std::string_view part, const char* begin, std::size_t size) {
  return part.data() < begin + size && part.data() + part.size() > begin;
}

/// The invariants of one event decoded from `bytes`, whatever came before it.
void check_event(const frame_event& e, const char* bytes, std::size_t size,
                 std::size_t max_message) {
  PARLEY_FUZZ_CHECK(e.consumed <= size);
  switch (e.what) {
    case kind::incomplete:
      PARLEY_FUZZ_CHECK(e.payload.empty());
      break;
    case kind::error:
      PARLEY_FUZZ_CHECK(e.consumed == 0);
      PARLEY_FUZZ_CHECK(e.code == 1002 || e.code == 1007 || e.code == 1009);
      PARLEY_FUZZ_CHECK(!overlaps(e.payload, bytes, size));  // a fixed reason, not peer bytes
      break;
    case kind::ping:
    case kind::pong:
      PARLEY_FUZZ_CHECK(e.payload.size() <= 125);
      PARLEY_FUZZ_CHECK(inside(e.payload, bytes, e.consumed));
      break;
    case kind::close:
      PARLEY_FUZZ_CHECK(e.payload.size() <= 123);
      PARLEY_FUZZ_CHECK(e.payload.empty() || inside(e.payload, bytes, e.consumed));
      PARLEY_FUZZ_CHECK(e.code == 1005 || (e.code >= 1000 && e.code <= 4999));
      PARLEY_FUZZ_CHECK(parley::util::utf8_length(e.payload).has_value());
      break;
    case kind::text:
    case kind::binary:
      PARLEY_FUZZ_CHECK(e.consumed > 0);
      PARLEY_FUZZ_CHECK(e.payload.size() <= max_message);
      // A single frame's payload lies in this frame's bytes; an assembled one in the reader.
      PARLEY_FUZZ_CHECK(inside(e.payload, bytes, e.consumed) || !overlaps(e.payload, bytes, size));
      PARLEY_FUZZ_CHECK(e.what == kind::binary || parley::util::utf8_length(e.payload).has_value());
      break;
  }
}

/// Decodes `input` the way ws::connection reads a socket: bytes arrive in chunks of the sizes
/// `next_chunk` picks, are appended to a buffer, and consumed bytes leave the front of it. Stops
/// at the first close or error, as the connection does.
template <class ChunkSizes>
std::vector<seen_event> decode(std::string input, std::size_t max_message, ChunkSizes next_chunk) {
  frame_reader reader(max_message);
  std::vector<seen_event> events;
  std::string buffer;
  std::size_t delivered = 0;
  while (delivered < input.size()) {
    const auto n = std::min(next_chunk(), input.size() - delivered);
    buffer.append(input, delivered, n);
    delivered += n;
    for (;;) {
      const auto e = reader.next({buffer.data(), buffer.size()});
      check_event(e, buffer.data(), buffer.size(), max_message);
      if (e.what != kind::incomplete) {
        events.push_back({e.what, std::string(e.payload), e.code});
      }
      buffer.erase(0, e.consumed);
      if (e.what == kind::close || e.what == kind::error) {
        return events;
      }
      if (e.consumed == 0) {
        break;
      }
    }
  }
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) {
    return 0;
  }
  std::uint32_t chunk_state = data[0] | 0x100u;
  // Small limits reach the too-big paths, large ones let long messages through.
  const std::size_t max_message = 1 + std::size_t{data[1]} * 97;
  const std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);

  const auto whole = decode(input, max_message, [&] { return input.size(); });
  const auto chunked = decode(input, max_message, [&] {
    // A small xorshift picks chunk sizes of 1 to 64 bytes, one byte at a time included.
    chunk_state ^= chunk_state << 13;
    chunk_state ^= chunk_state >> 17;
    chunk_state ^= chunk_state << 5;
    return std::size_t{1} + (chunk_state & 63) % (1 + (data[0] & 63));
  });
  PARLEY_FUZZ_CHECK(whole == chunked);
  return 0;
}
