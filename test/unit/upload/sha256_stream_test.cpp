#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "parley/upload/sha256_stream.hpp"

using namespace parley;

namespace {

constexpr const char* empty_digest =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* abc_digest =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

}  // namespace

TEST_CASE("sha256_stream matches the known vectors", "[upload]") {
  upload::sha256_stream empty;
  CHECK(empty.hex_digest() == empty_digest);

  upload::sha256_stream abc;
  abc.update("abc");
  CHECK(abc.hex_digest() == abc_digest);

  upload::sha256_stream longer;
  longer.update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  CHECK(longer.hex_digest() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256_stream gives the same digest for data fed in pieces", "[upload]") {
  std::string data;
  for (int i = 0; i < 10000; ++i) {
    data.push_back(static_cast<char>(i * 31 + 7));
  }
  upload::sha256_stream whole;
  whole.update(data);
  const std::string expected = whole.hex_digest();
  CHECK(expected.size() == 64);

  for (std::size_t piece : {1u, 3u, 64u, 1000u}) {
    INFO("piece " << piece);
    upload::sha256_stream stream;
    for (std::size_t i = 0; i < data.size(); i += piece) {
      stream.update(std::string_view(data).substr(i, piece));
    }
    stream.update("");
    CHECK(stream.hex_digest() == expected);
  }

  upload::sha256_stream abc;
  abc.update("a");
  abc.update("");
  abc.update("bc");
  CHECK(abc.hex_digest() == abc_digest);
}

TEST_CASE("sha256_stream starts over after a digest and survives a move", "[upload]") {
  upload::sha256_stream stream;
  stream.update("abc");
  CHECK(stream.hex_digest() == abc_digest);
  CHECK(stream.hex_digest() == empty_digest);

  upload::sha256_stream first;
  first.update("a");
  upload::sha256_stream moved(std::move(first));
  moved.update("b");
  upload::sha256_stream assigned;
  assigned = std::move(moved);
  assigned.update("c");
  CHECK(assigned.hex_digest() == abc_digest);
}
