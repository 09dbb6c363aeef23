#include <catch2/catch.hpp>

#include "parley/upload/media_type.hpp"

using namespace parley;

TEST_CASE("essence drops parameters, trims and lower-cases", "[upload]") {
  CHECK(upload::essence("") == "");
  CHECK(upload::essence("   ") == "");
  CHECK(upload::essence("image/png") == "image/png");
  CHECK(upload::essence("text/plain; charset=utf-8") == "text/plain");
  CHECK(upload::essence("Text/PLAIN;charset=UTF-8") == "text/plain");
  CHECK(upload::essence("  image/JPEG \t; q=1") == "image/jpeg");
  CHECK(upload::essence("; charset=utf-8") == "");
}

TEST_CASE("is_image answers for the accepted raster image types only", "[upload]") {
  CHECK(upload::is_image("image/png"));
  CHECK(upload::is_image("image/jpeg"));
  CHECK(upload::is_image("image/gif"));
  CHECK(upload::is_image("image/webp"));
  CHECK(upload::is_image("IMAGE/PNG; x=y"));
  CHECK_FALSE(upload::is_image("image/svg+xml"));
  CHECK_FALSE(upload::is_image("application/pdf"));
  CHECK_FALSE(upload::is_image("text/plain"));
  CHECK_FALSE(upload::is_image(""));
}
