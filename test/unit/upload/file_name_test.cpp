#include <catch2/catch.hpp>

#include <string>

#include "parley/upload/file_name.hpp"

using namespace parley;

namespace {

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += s;
  }
  return out;
}

}  // namespace

TEST_CASE("file names are 1 to 255 code points", "[upload]") {
  CHECK_FALSE(upload::valid_file_name(""));
  CHECK(upload::valid_file_name("a"));
  CHECK(upload::valid_file_name(repeat("a", 255)));
  CHECK_FALSE(upload::valid_file_name(repeat("a", 256)));
  // Code points, not bytes: 255 two-, three- and four-byte characters are fine.
  CHECK(upload::valid_file_name(repeat("é", 255)));
  CHECK(upload::valid_file_name(repeat("€", 255)));
  CHECK(upload::valid_file_name(repeat("😀", 255)));
  CHECK_FALSE(upload::valid_file_name(repeat("é", 256)));
  CHECK_FALSE(upload::valid_file_name(repeat("😀", 256)));
}

TEST_CASE("file names reject separators, controls and invalid UTF-8", "[upload]") {
  CHECK_FALSE(upload::valid_file_name("a/b.txt"));
  CHECK_FALSE(upload::valid_file_name("..\\b.txt"));
  CHECK_FALSE(upload::valid_file_name("/"));
  CHECK_FALSE(upload::valid_file_name("a\nb"));
  CHECK_FALSE(upload::valid_file_name("a\rb"));
  CHECK_FALSE(upload::valid_file_name("a\tb"));
  CHECK_FALSE(upload::valid_file_name(std::string("a\0b", 3)));
  CHECK_FALSE(upload::valid_file_name("a\x1f"));
  CHECK_FALSE(upload::valid_file_name("a\x7f"));
  CHECK_FALSE(upload::valid_file_name("a\xc2\x80"));  // U+0080
  CHECK_FALSE(upload::valid_file_name("a\xc2\x9f"));  // U+009F
  CHECK_FALSE(upload::valid_file_name("a\xc0\xaf"));  // overlong '/'
  CHECK_FALSE(upload::valid_file_name("a\xed\xa0\x80"));
  CHECK_FALSE(upload::valid_file_name("a\xe2\x82"));
  CHECK_FALSE(upload::valid_file_name("\xff"));
}

TEST_CASE("file names accept ordinary and Unicode names", "[upload]") {
  CHECK(upload::valid_file_name("cat.png"));
  CHECK(upload::valid_file_name("my report (final) v2.pdf"));
  CHECK(upload::valid_file_name("..."));
  CHECK(
      upload::valid_file_name("a\xc2\xa0"
                              "b"));  // U+00A0, just past the C1 range
  CHECK(upload::valid_file_name("résumé.pdf"));
  CHECK(upload::valid_file_name("猫の写真.jpg"));
  CHECK(upload::valid_file_name("😀.gif"));
}

TEST_CASE("content disposition is inline for images and attachment otherwise", "[upload]") {
  CHECK(upload::content_disposition("image/png", "cat.png") ==
        "inline; filename=\"cat.png\"; filename*=UTF-8''cat.png");
  CHECK(upload::content_disposition("image/webp", "a.webp").rfind("inline;", 0) == 0);
  CHECK(upload::content_disposition("application/pdf", "report.pdf") ==
        "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
  CHECK(upload::content_disposition("text/plain", "notes.txt") ==
        "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt");
}

TEST_CASE("content disposition escapes unsafe and non-ASCII names", "[upload]") {
  CHECK(upload::content_disposition("text/plain", "say \"hi\".txt") ==
        "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt");
  CHECK(upload::content_disposition("text/plain", "a;b\\c%d'e.txt") ==
        "attachment; filename=\"a_b_c%d'e.txt\"; filename*=UTF-8''a%3Bb%5Cc%25d%27e.txt");
  CHECK(upload::content_disposition("image/jpeg", "résumé 猫.jpg") ==
        "inline; filename=\"r_sum_ _.jpg\"; "
        "filename*=UTF-8''r%C3%A9sum%C3%A9%20%E7%8C%AB.jpg");
  CHECK(upload::content_disposition("text/plain", "!#$&+-.^_`|~") ==
        "attachment; filename=\"!#$&+-.^_`|~\"; filename*=UTF-8''!#$&+-.^_`|~");
}
