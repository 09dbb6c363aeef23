#pragma once

#include <string>
#include <string_view>

namespace parley::upload {

/// Whether `name` may name an upload: 1–255 code points of valid UTF-8, with no `/` or `\`
/// (it must never read as a path) and no C0 or C1 control character or DEL (they break headers,
/// logs and terminals).
bool valid_file_name(std::string_view name);

/// The Content-Disposition value serving an upload: `inline` for the accepted image types (safe
/// to render), `attachment` for everything else, so a PDF or text file is downloaded rather than
/// interpreted on our origin. Carries the name twice: a quoted ASCII `filename=` for old clients
/// (unsafe and non-ASCII characters become `_`) and the exact UTF-8 name as RFC 5987/6266
/// `filename*=`, which current browsers prefer. `name` should satisfy valid_file_name.
std::string content_disposition(std::string_view type, std::string_view name);

}  // namespace parley::upload
