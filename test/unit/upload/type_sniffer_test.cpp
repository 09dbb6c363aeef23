#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "parley/upload/type_sniffer.hpp"

using namespace parley;
using namespace std::string_literals;

namespace {

const std::string png = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
const std::string jpeg = "\xff\xd8\xff\xe0\0\x10JFIF\0"s;
const std::string gif87 = "GIF87a\x01\0\x01\0"s;
const std::string gif89 = "GIF89a\x01\0\x01\0"s;
const std::string webp = "RIFF\x24\0\0\0WEBPVP8 "s;
const std::string pdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"s;
const std::string html = "<!doctype html><script>alert(1)</script>";

/// The sniffer's verdict on `body` declared as `declared`, fed in chunks of `chunk` bytes.
std::optional<std::string> sniff(std::string declared, std::string_view body,
                                 std::size_t chunk = 4096) {
  upload::type_sniffer sniffer(std::move(declared));
  for (std::size_t i = 0; i < body.size(); i += chunk) {
    sniffer.feed(body.substr(i, chunk));
  }
  return sniffer.verdict();
}

}  // namespace

TEST_CASE("type sniffer accepts every allowed type with its real magic", "[upload]") {
  CHECK(sniff("image/png", png) == "image/png");
  CHECK(sniff("image/jpeg", jpeg) == "image/jpeg");
  CHECK(sniff("image/gif", gif87) == "image/gif");
  CHECK(sniff("image/gif", gif89) == "image/gif");
  CHECK(sniff("image/webp", webp) == "image/webp");
  CHECK(sniff("application/pdf", pdf) == "application/pdf");
  CHECK(sniff("text/plain", "hello, wörld 😀\n") == "text/plain");
}

TEST_CASE("type sniffer rejects a declared type the bytes do not match", "[upload]") {
  CHECK_FALSE(sniff("image/jpeg", png));
  CHECK_FALSE(sniff("image/png", jpeg));
  CHECK_FALSE(sniff("image/gif", png));
  CHECK_FALSE(sniff("image/gif", "GIF88a\x01\0"s));
  CHECK_FALSE(sniff("image/webp", "RIFF\x24\0\0\0WAVEfmt "s));
  CHECK_FALSE(sniff("image/webp", "RIFF\x24\0\0\0WEB"s));  // too short
  CHECK_FALSE(sniff("application/pdf", html));
  CHECK_FALSE(sniff("image/png", html));
  CHECK_FALSE(sniff("text/plain", png));
  CHECK_FALSE(sniff("text/plain", jpeg));
  CHECK_FALSE(sniff("text/plain", pdf));  // its binary comment line is not UTF-8
  CHECK_FALSE(sniff("text/plain", "abc\0def"s));
  CHECK_FALSE(sniff("image/png", png.substr(0, 7)));
}

TEST_CASE("type sniffer accepts HTML declared as text/plain: it is UTF-8 text", "[upload]") {
  CHECK(sniff("text/plain", html) == "text/plain");
}

TEST_CASE("type sniffer refuses undeclared and unsupported types before any body", "[upload]") {
  for (const char* declared :
       {"", "text/html", "image/svg+xml", "application/octet-stream", "image/png+evil", "image"}) {
    INFO(declared);
    upload::type_sniffer sniffer(declared);
    CHECK_FALSE(sniffer.declared_type_allowed());
    sniffer.feed(png);
    CHECK_FALSE(sniffer.verdict());
  }
  CHECK(upload::type_sniffer("image/png").declared_type_allowed());
  CHECK(upload::type_sniffer("text/plain").declared_type_allowed());
}

TEST_CASE("type sniffer ignores parameters and case in the declared type", "[upload]") {
  CHECK(sniff("text/plain; charset=utf-8", "hi") == "text/plain");
  CHECK(sniff("Image/PNG", png) == "image/png");
  CHECK(sniff(" APPLICATION/PDF ; x=1", pdf) == "application/pdf");
  CHECK(upload::type_sniffer("TEXT/Plain;charset=UTF-8").declared_type_allowed());
}

TEST_CASE("type sniffer finds magic split across 1-byte chunks", "[upload]") {
  const std::string tail(1000, '\x42');
  CHECK(sniff("image/png", png + tail, 1) == "image/png");
  CHECK(sniff("image/jpeg", jpeg + tail, 1) == "image/jpeg");
  CHECK(sniff("image/gif", gif89 + tail, 1) == "image/gif");
  CHECK(sniff("image/webp", webp + tail, 1) == "image/webp");
  CHECK(sniff("application/pdf", pdf + tail, 1) == "application/pdf");
  CHECK(sniff("image/webp", webp, 5) == "image/webp");
  CHECK_FALSE(sniff("image/jpeg", png + tail, 1));
}

TEST_CASE("type sniffer validates UTF-8 split across chunks", "[upload]") {
  const std::string text = "é€😀 \xef\xbb\xbf mid-text BOM, ok";
  for (std::size_t chunk = 1; chunk <= 5; ++chunk) {
    INFO("chunk " << chunk);
    CHECK(sniff("text/plain", text, chunk) == "text/plain");
  }
  CHECK(sniff("text/plain", "\xef\xbb\xbfleading BOM", 1) == "text/plain");
  upload::type_sniffer sniffer("text/plain");
  sniffer.feed("a\xf0\x9f");
  sniffer.feed("\x98");
  CHECK_FALSE(sniffer.verdict());  // the emoji is not finished yet
  sniffer.feed("\x80");
  CHECK(sniffer.verdict() == "text/plain");
}

TEST_CASE("type sniffer rejects invalid UTF-8 as text", "[upload]") {
  for (std::size_t chunk : {1u, 2u, 4096u}) {
    INFO("chunk " << chunk);
    CHECK_FALSE(sniff("text/plain", "a\xc0\xaf", chunk));         // overlong '/'
    CHECK_FALSE(sniff("text/plain", "\xe0\x80\xaf", chunk));      // overlong, 3 bytes
    CHECK_FALSE(sniff("text/plain", "\xf0\x80\x80\xaf", chunk));  // overlong, 4 bytes
    CHECK_FALSE(sniff("text/plain", "a\xed\xa0\x80z", chunk));    // surrogate
    CHECK_FALSE(sniff("text/plain", "\xf4\x90\x80\x80", chunk));  // above U+10FFFF
    CHECK_FALSE(sniff("text/plain", "abc\xe2\x82", chunk));       // truncated at the end
    CHECK_FALSE(sniff("text/plain", "abc\xe2\x82z", chunk));      // truncated mid-text
    CHECK_FALSE(sniff("text/plain", "\x80", chunk));              // stray continuation
    CHECK_FALSE(sniff("text/plain", "\xff\xfe", chunk));          // UTF-16 BOM
  }
  CHECK(sniff("text/plain", "\xf4\x8f\xbf\xbf") == "text/plain");  // U+10FFFF itself
  CHECK(sniff("text/plain", "\xed\x9f\xbf") == "text/plain");      // U+D7FF
}

TEST_CASE("type sniffer has no verdict for an empty body", "[upload]") {
  for (const char* declared :
       {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}) {
    INFO(declared);
    upload::type_sniffer sniffer(declared);
    CHECK(sniffer.declared_type_allowed());
    sniffer.feed("");
    CHECK_FALSE(sniffer.verdict());
  }
}
