#pragma once

#include <string>
#include <string_view>

namespace parley::upload {

/// The media type of a Content-Type value without its parameters, trimmed and lower-cased
/// (`Text/Plain; charset=utf-8` → `text/plain`), so declared types compare as the spec says:
/// case-insensitively and ignoring parameters. Empty for an empty or blank value.
std::string essence(std::string_view content_type);

/// Whether a type is one of the accepted raster image types, which browsers may show inline.
/// Other `image/*` types answer false on purpose: SVG, for one, can carry script and must never
/// be rendered inline from our origin. Accepts a full Content-Type value (parameters, any case).
bool is_image(std::string_view type);

}  // namespace parley::upload
