// The client-frame parser on arbitrary text. It must never throw, and whatever it accepts must
// already satisfy what the chat layer relies on without checking again: valid channel names,
// limits in range, exactly one destination for a message.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <variant>

#include "check.hpp"
#include "parley/model/channel_name.hpp"
#include "parley/proto/client_frame.hpp"
#include "parley/util/utf8.hpp"

namespace {

namespace proto = parley::proto;
namespace model = parley::model;
using parley::error::code;

constexpr std::int64_t max_id = (std::int64_t{1} << 53) - 1;

bool valid_id(std::int64_t id) {
  return id >= 0 && id <= max_id;
}

bool valid_text(std::string_view text, std::size_t max_code_points) {
  const auto length = parley::util::utf8_length(text);
  return length && *length <= max_code_points;
}

/// The `type` a command is parsed from.
std::string_view type_of(const proto::command& c) {
  static constexpr std::string_view names[] = {
      "join",   "leave",    "create",   "invite", "send",    "history", "seen",
      "typing", "presence", "channels", "match",  "unmatch", "ping"};
  static_assert(std::size(names) == std::variant_size_v<proto::command>);
  return names[c.index()];
}

void check_command(const proto::command& c) {
  std::visit(
      [](const auto& cmd) {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, proto::create_cmd>) {
          PARLEY_FUZZ_CHECK(model::valid_user_channel_name(cmd.channel));
        } else if constexpr (std::is_same_v<T, proto::send_cmd>) {
          PARLEY_FUZZ_CHECK(cmd.channel.empty() != cmd.to.empty());
          PARLEY_FUZZ_CHECK(cmd.channel.empty() || model::valid_channel_reference(cmd.channel));
          PARLEY_FUZZ_CHECK(valid_text(cmd.text, proto::max_text_length));
          PARLEY_FUZZ_CHECK(!cmd.text.empty() || !cmd.attachments.empty());
          PARLEY_FUZZ_CHECK(cmd.attachments.size() <= proto::max_attachments);
          for (const auto& id : cmd.attachments) {
            PARLEY_FUZZ_CHECK(!id.empty());
          }
        } else if constexpr (requires { cmd.channel; }) {
          PARLEY_FUZZ_CHECK(model::valid_channel_reference(cmd.channel));
        }
        if constexpr (std::is_same_v<T, proto::join_cmd>) {
          PARLEY_FUZZ_CHECK(!cmd.since || valid_id(*cmd.since));
        } else if constexpr (std::is_same_v<T, proto::history_cmd>) {
          PARLEY_FUZZ_CHECK(!cmd.before || valid_id(*cmd.before));
          PARLEY_FUZZ_CHECK(cmd.limit >= 1 && cmd.limit <= proto::max_history_limit);
        } else if constexpr (std::is_same_v<T, proto::seen_cmd>) {
          PARLEY_FUZZ_CHECK(valid_id(cmd.id));
        }
      },
      c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = proto::parse_client_frame(text);
  PARLEY_FUZZ_CHECK(!parsed.ref || valid_text(*parsed.ref, proto::max_ref_length));
  if (const auto* error = std::get_if<proto::frame_error>(&parsed.result)) {
    PARLEY_FUZZ_CHECK(error->code == code::bad_request || error->code == code::unknown_type ||
                      error->code == code::invalid_channel || error->code == code::unknown_user);
    PARLEY_FUZZ_CHECK(!error->message.empty());
    // The message travels in a JSON string: it must be text.
    PARLEY_FUZZ_CHECK(parley::util::utf8_length(error->message).has_value());
    return 0;
  }
  const auto& command = std::get<proto::command>(parsed.result);
  PARLEY_FUZZ_CHECK(parsed.type == type_of(command));
  check_command(command);
  return 0;
}
