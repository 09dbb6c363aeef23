#include "parley/proto/client_frame.hpp"

#include <boost/json.hpp>

#include "parley/chat/channel_name.hpp"
#include "parley/util/utf8.hpp"

namespace parley::proto {
namespace json = boost::json;
namespace {

constexpr std::int64_t max_id = (std::int64_t{1} << 53) - 1;

/// Thrown inside the parser only, turned into a frame_error at its boundary.
struct reject {
  error_code code;
  std::string message;
};

const json::value* field(const json::object& o, std::string_view key) {
  return o.if_contains(key);
}

std::string required_string(const json::object& o, std::string_view key) {
  const auto* v = field(o, key);
  if (v == nullptr || !v->is_string()) {
    throw reject{error_code::bad_request,
                 std::string("'") + std::string(key) + "' must be a string"};
  }
  return std::string(v->as_string());
}

std::optional<std::int64_t> optional_id(const json::object& o, std::string_view key) {
  const auto* v = field(o, key);
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
    throw reject{error_code::bad_request,
                 std::string("'") + std::string(key) + "' must be a whole number from 0 to 2^53-1"};
  }
  return n;
}

std::string channel_ref(const json::object& o) {
  auto name = required_string(o, "channel");
  if (!chat::valid_channel_reference(name)) {
    throw reject{error_code::invalid_channel,
                 std::string(default_message(error_code::invalid_channel))};
  }
  return name;
}

command parse_command(const std::string& type, const json::object& o) {
  if (type == "join") {
    return join_cmd{channel_ref(o), optional_id(o, "since")};
  }
  if (type == "leave") {
    return leave_cmd{channel_ref(o)};
  }
  if (type == "create") {
    auto name = required_string(o, "channel");
    if (!chat::valid_user_channel_name(name)) {
      throw reject{error_code::invalid_channel,
                   std::string(default_message(error_code::invalid_channel))};
    }
    bool is_private = false;
    if (const auto* p = field(o, "private"); p != nullptr && !p->is_null()) {
      if (!p->is_bool()) {
        throw reject{error_code::bad_request, "'private' must be a boolean"};
      }
      is_private = p->as_bool();
    }
    return create_cmd{std::move(name), is_private};
  }
  if (type == "invite") {
    auto channel = channel_ref(o);
    return invite_cmd{std::move(channel), required_string(o, "user")};
  }
  if (type == "send") {
    const auto* channel = field(o, "channel");
    const auto* to = field(o, "to");
    if ((channel == nullptr) == (to == nullptr)) {
      throw reject{error_code::bad_request, "send needs exactly one of 'channel' and 'to'"};
    }
    send_cmd cmd;
    if (channel != nullptr) {
      cmd.channel = channel_ref(o);
    } else {
      cmd.to = required_string(o, "to");
    }
    cmd.text = required_string(o, "text");
    const auto length = util::utf8_length(cmd.text);
    if (!length || *length < 1 || *length > max_text_length) {
      throw reject{error_code::bad_request, "'text' must be 1-4000 characters"};
    }
    return cmd;
  }
  if (type == "history") {
    history_cmd cmd{channel_ref(o), optional_id(o, "before"), default_history_limit};
    if (const auto limit = optional_id(o, "limit")) {
      if (*limit < 1 || *limit > max_history_limit) {
        throw reject{error_code::bad_request, "'limit' must be from 1 to 100"};
      }
      cmd.limit = static_cast<int>(*limit);
    }
    return cmd;
  }
  if (type == "seen") {
    auto channel = channel_ref(o);
    const auto id = optional_id(o, "id");
    if (!id) {
      throw reject{error_code::bad_request, "'id' must be a message id"};
    }
    return seen_cmd{std::move(channel), *id};
  }
  if (type == "typing") {
    return typing_cmd{channel_ref(o)};
  }
  if (type == "presence") {
    return presence_cmd{channel_ref(o)};
  }
  if (type == "channels") {
    return channels_cmd{};
  }
  if (type == "ping") {
    return ping_cmd{};
  }
  throw reject{error_code::unknown_type, "unknown frame type '" + type + "'"};
}

}  // namespace

parsed_frame parse_client_frame(std::string_view text) {
  parsed_frame out{
      std::nullopt, {}, frame_error{error_code::bad_request, "expected a JSON object"}};
  json::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return out;
  }
  const auto& o = value.as_object();
  if (const auto* ref = o.if_contains("ref"); ref != nullptr) {
    if (!ref->is_string() || ref->as_string().size() > max_ref_length) {
      out.result =
          frame_error{error_code::bad_request, "'ref' must be a string of at most 64 characters"};
      return out;
    }
    out.ref = std::string(ref->as_string());
  }
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    out.result = frame_error{error_code::bad_request, "'type' must be a string"};
    return out;
  }
  out.type = std::string(type->as_string());
  try {
    out.result = parse_command(out.type, o);
  } catch (const reject& r) {
    out.result = frame_error{r.code, r.message};
  }
  return out;
}

}  // namespace parley::proto
