#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value_ref.hpp>

#include <initializer_list>
#include <utility>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/error/code.hpp"
#include "parley/model/channel.hpp"
#include "parley/model/message.hpp"

namespace parley::proto {

/// One field of a frame: a name and any JSON value (nested braces make objects).
using frame_field = std::pair<boost::json::string_view, boost::json::value_ref>;

/// Serializes a frame with these fields, adding "ref" when the reply answers a frame that
/// carried one. The object is built in a stack buffer: a frame costs one heap allocation, its
/// text.
std::string encode(std::initializer_list<frame_field> fields,
                   const std::optional<std::string>& ref = std::nullopt);

std::string error_frame(error::code code, std::string_view message,
                        const std::optional<std::string>& ref);
std::string hello_frame(std::int64_t user_id, std::string_view username, std::string_view instance);
/// {"type":<type>,"channel":<channel>} for joined, left and similar replies.
std::string channel_reply(std::string_view type, std::string_view channel,
                          const std::optional<std::string>& ref);
std::string created_frame(std::string_view channel, bool is_private,
                          const std::optional<std::string>& ref);
std::string invited_frame(std::string_view channel, std::string_view user,
                          const std::optional<std::string>& ref);
std::string invitation_frame(std::string_view channel, std::string_view from);
/// user_joined, user_left and typing: {"type","channel","user"}.
std::string user_event_frame(std::string_view type, std::string_view channel,
                             std::string_view user);
std::string seen_frame(std::string_view channel, std::string_view user, std::int64_t id,
                       const std::optional<std::string>& ref);
std::string history_frame(std::string_view channel, const model::history_page& page,
                          const std::optional<std::string>& ref);
std::string presence_frame(std::string_view channel, const std::vector<std::string>& users,
                           const std::optional<std::string>& ref);
std::string channels_frame(const std::vector<model::channel_summary>& channels,
                           const std::optional<std::string>& ref);
std::string message_frame(std::string_view channel, const model::stored_message& m,
                          const std::optional<std::string>& ref = std::nullopt);

}  // namespace parley::proto
