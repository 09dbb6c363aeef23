#include "parley/proto/server_frames.hpp"

#include <boost/json.hpp>

#include "parley/proto/message_json.hpp"

namespace parley::proto {
namespace json = boost::json;

namespace {

/// Stack memory for building one frame; a bigger frame (a history page) continues on the heap.
struct frame_memory {
  unsigned char buffer[2048];
  json::monotonic_resource resource{buffer, sizeof buffer};
};

std::string serialize_with_ref(json::object& frame, const std::optional<std::string>& ref) {
  if (ref) {
    frame["ref"] = *ref;
  }
  return json::serialize(frame);
}

}  // namespace

std::string encode(std::initializer_list<frame_field> fields,
                   const std::optional<std::string>& ref) {
  frame_memory memory;
  json::object frame(fields, &memory.resource);
  return serialize_with_ref(frame, ref);
}

std::string error_frame(error::code code, std::string_view message,
                        const std::optional<std::string>& ref) {
  return encode({{"type", "error"},
                 {"code", code_name(code)},
                 {"message", message.empty() ? default_message(code) : message}},
                ref);
}

std::string hello_frame(std::int64_t user_id, std::string_view username,
                        std::string_view instance) {
  return encode({{"type", "hello"},
                 {"user", {{"id", user_id}, {"username", username}}},
                 {"instance", instance}});
}

std::string channel_reply(std::string_view type, std::string_view channel,
                          const std::optional<std::string>& ref) {
  return encode({{"type", type}, {"channel", channel}}, ref);
}

std::string created_frame(std::string_view channel, bool is_private,
                          const std::optional<std::string>& ref) {
  return encode({{"type", "created"}, {"channel", channel}, {"private", is_private}}, ref);
}

std::string invited_frame(std::string_view channel, std::string_view user,
                          const std::optional<std::string>& ref) {
  return encode({{"type", "invited"}, {"channel", channel}, {"user", user}}, ref);
}

std::string invitation_frame(std::string_view channel, std::string_view from) {
  return encode({{"type", "invitation"}, {"channel", channel}, {"from", from}});
}

std::string user_event_frame(std::string_view type, std::string_view channel,
                             std::string_view user) {
  return encode({{"type", type}, {"channel", channel}, {"user", user}});
}

std::string seen_frame(std::string_view channel, std::string_view user, std::int64_t id,
                       const std::optional<std::string>& ref) {
  return encode({{"type", "seen"}, {"channel", channel}, {"user", user}, {"id", id}}, ref);
}

std::string history_frame(std::string_view channel, const model::history_page& page,
                          const std::optional<std::string>& ref) {
  frame_memory memory;
  json::array messages(&memory.resource);
  messages.reserve(page.messages.size());
  for (const auto& m : page.messages) {
    messages.push_back(message_json(channel, m, &memory.resource));
  }
  json::object frame({{"type", "history"}, {"channel", channel}}, &memory.resource);
  frame.emplace("messages", std::move(messages));
  frame.emplace("has_more", page.has_more);
  return serialize_with_ref(frame, ref);
}

std::string presence_frame(std::string_view channel, const std::vector<std::string>& users,
                           const std::optional<std::string>& ref) {
  json::array list;
  for (const auto& u : users) {
    list.push_back(json::string(u));
  }
  return encode({{"type", "presence"}, {"channel", channel}, {"users", std::move(list)}}, ref);
}

std::string channels_frame(const std::vector<model::channel_summary>& channels,
                           const std::optional<std::string>& ref) {
  json::array list;
  for (const auto& c : channels) {
    list.push_back(json::object{
        {"name", c.name}, {"private", c.is_private}, {"members", c.members}, {"unread", c.unread}});
  }
  return encode({{"type", "channels"}, {"channels", std::move(list)}}, ref);
}

std::string message_frame(std::string_view channel, const model::stored_message& m,
                          const std::optional<std::string>& ref) {
  frame_memory memory;
  auto frame = message_json(channel, m, &memory.resource);
  return serialize_with_ref(frame, ref);
}

}  // namespace parley::proto
