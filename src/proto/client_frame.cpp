#include "parley/proto/client_frame.hpp"

#include <boost/json.hpp>

#include "parley/model/channel_name.hpp"
#include "parley/model/username.hpp"
#include "parley/util/utf8.hpp"

namespace parley::proto {
namespace json = boost::json;
namespace {

constexpr std::int64_t max_id = (std::int64_t{1} << 53) - 1;

/// Reads a frame's fields and keeps the first problem it meets: validation errors are values,
/// and the frame is answered with the first one, as a person reading it top-down would find it.
class field_reader {
 public:
  explicit field_reader(const json::object& o) : o_(o) {}

  const std::optional<frame_error>& error() const { return error_; }

  void fail(error::code code, std::string message) {
    if (!error_) {
      error_ = frame_error{code, std::move(message)};
    }
  }

  const json::value* field(std::string_view key) const { return o_.if_contains(key); }

  std::string required_string(std::string_view key) {
    const auto* v = field(key);
    if (v == nullptr || !v->is_string()) {
      fail(error::code::bad_request, "'" + std::string(key) + "' must be a string");
      return {};
    }
    return std::string(v->as_string());
  }

  std::optional<std::int64_t> optional_id(std::string_view key) {
    const auto* v = field(key);
    if (v == nullptr || v->is_null()) {
      return std::nullopt;
    }
    std::int64_t n = -1;
    if (v->is_int64()) {
      n = v->as_int64();
    } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(max_id)) {
      n = static_cast<std::int64_t>(v->as_uint64());
    }
    if (n < 0 || n > max_id) {
      fail(error::code::bad_request,
           "'" + std::string(key) + "' must be a whole number from 0 to 2^53-1");
      return std::nullopt;
    }
    return n;
  }

  /// Absent or null: `fallback`.
  bool optional_bool(std::string_view key, bool fallback) {
    const auto* v = field(key);
    if (v == nullptr || v->is_null()) {
      return fallback;
    }
    if (!v->is_bool()) {
      fail(error::code::bad_request, "'" + std::string(key) + "' must be a boolean");
      return fallback;
    }
    return v->as_bool();
  }

  std::string channel_ref() {
    auto name = required_string("channel");
    if (!error_ && !model::valid_channel_reference(name)) {
      fail(error::code::invalid_channel,
           std::string(default_message(error::code::invalid_channel)));
    }
    return name;
  }

 private:
  const json::object& o_;
  std::optional<frame_error> error_;
};

using parse_result = std::variant<command, frame_error>;

/// The command, unless the reader met a problem on the way.
template <class Command>
parse_result checked(const field_reader& r, Command&& c) {
  if (r.error()) {
    return *r.error();
  }
  return command{std::forward<Command>(c)};
}

parse_result parse_send(field_reader& r) {
  const auto* channel = r.field("channel");
  const auto* to = r.field("to");
  if ((channel == nullptr) == (to == nullptr)) {
    return frame_error{error::code::bad_request, "send needs exactly one of 'channel' and 'to'"};
  }
  send_cmd cmd;
  if (channel != nullptr) {
    cmd.channel = r.channel_ref();
  } else {
    cmd.to = r.required_string("to");
    // Checked here because an empty `to` would read as "no recipient" and the message would go
    // to the channel path; any other name that cannot exist is refused the same way.
    if (!r.error() && !model::valid_username(cmd.to)) {
      r.fail(error::code::unknown_user, std::string(default_message(error::code::unknown_user)));
    }
  }
  if (const auto* text = r.field("text"); text != nullptr && !text->is_null()) {
    cmd.text = r.required_string("text");
  }
  const auto length = util::utf8_length(cmd.text);
  if (!length || *length > max_text_length) {
    r.fail(error::code::bad_request, "'text' must be at most 4000 characters");
  }
  if (const auto* list = r.field("attachments"); list != nullptr && !list->is_null()) {
    const auto* ids = list->if_array();
    if (ids == nullptr || ids->empty() || ids->size() > max_attachments) {
      r.fail(error::code::bad_request, "'attachments' must be a list of 1-10 upload ids");
    } else {
      for (const auto& id : *ids) {
        if (!id.is_string() || id.as_string().empty()) {
          r.fail(error::code::bad_request, "'attachments' must hold upload ids (strings)");
          break;
        }
        cmd.attachments.emplace_back(id.as_string());
      }
    }
  }
  if (cmd.text.empty() && cmd.attachments.empty()) {
    r.fail(error::code::bad_request, "a message needs text or attachments");
  }
  return checked(r, std::move(cmd));
}

parse_result parse_command(const std::string& type, const json::object& o) {
  field_reader r(o);
  if (type == "join") {
    auto channel = r.channel_ref();
    return checked(r, join_cmd{std::move(channel), r.optional_id("since")});
  }
  if (type == "leave") {
    auto channel = r.channel_ref();
    return checked(r, leave_cmd{std::move(channel), r.optional_bool("forget", false)});
  }
  if (type == "create") {
    auto name = r.required_string("channel");
    if (!r.error() && !model::valid_user_channel_name(name)) {
      r.fail(error::code::invalid_channel,
             std::string(default_message(error::code::invalid_channel)));
    }
    return checked(r, create_cmd{std::move(name), r.optional_bool("private", false)});
  }
  if (type == "invite") {
    auto channel = r.channel_ref();
    return checked(r, invite_cmd{std::move(channel), r.required_string("user")});
  }
  if (type == "send") {
    return parse_send(r);
  }
  if (type == "history") {
    auto channel = r.channel_ref();
    history_cmd cmd{std::move(channel), r.optional_id("before"), default_history_limit};
    if (const auto limit = r.optional_id("limit")) {
      if (*limit < 1 || *limit > max_history_limit) {
        r.fail(error::code::bad_request, "'limit' must be from 1 to 100");
      }
      cmd.limit = static_cast<int>(*limit);
    }
    return checked(r, std::move(cmd));
  }
  if (type == "seen") {
    auto channel = r.channel_ref();
    const auto id = r.optional_id("id");
    if (!id) {
      r.fail(error::code::bad_request, "'id' must be a message id");
    }
    return checked(r, seen_cmd{std::move(channel), id.value_or(0)});
  }
  if (type == "typing") {
    return checked(r, typing_cmd{r.channel_ref()});
  }
  if (type == "presence") {
    return checked(r, presence_cmd{r.channel_ref()});
  }
  if (type == "channels") {
    return channels_cmd{};
  }
  if (type == "match") {
    return match_cmd{};
  }
  if (type == "unmatch") {
    return unmatch_cmd{};
  }
  if (type == "ping") {
    return ping_cmd{};
  }
  return frame_error{error::code::unknown_type, "unknown frame type '" + type + "'"};
}

}  // namespace

parsed_frame parse_client_frame(std::string_view text) {
  parsed_frame out{
      std::nullopt, {}, frame_error{error::code::bad_request, "expected a JSON object"}};
  json::error_code ec;
  // The parsed tree lives only while its fields are copied out: on the stack, for most frames.
  unsigned char buffer[4096];
  json::monotonic_resource scratch(buffer, sizeof buffer);
  const auto value = json::parse(text, ec, &scratch);
  if (ec || !value.is_object()) {
    return out;
  }
  const auto& o = value.as_object();
  if (const auto* ref = o.if_contains("ref"); ref != nullptr) {
    const auto length = ref->is_string() ? util::utf8_length(ref->as_string()) : std::nullopt;
    if (!length || *length > max_ref_length) {
      out.result =
          frame_error{error::code::bad_request, "'ref' must be a string of at most 64 characters"};
      return out;
    }
    out.ref = std::string(ref->as_string());
  }
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    out.result = frame_error{error::code::bad_request, "'type' must be a string"};
    return out;
  }
  out.type = std::string(type->as_string());
  out.result = parse_command(out.type, o);
  return out;
}

}  // namespace parley::proto
