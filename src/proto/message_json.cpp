#include "parley/proto/message_json.hpp"

namespace parley::proto {

boost::json::object message_json(std::string_view channel, const model::stored_message& m,
                                 boost::json::storage_ptr memory) {
  boost::json::object out({{"type", "message"},
                           {"channel", channel},
                           {"id", m.id},
                           {"from", m.from},
                           {"text", m.text},
                           {"ts", m.ts_ms}},
                          memory);
  if (!m.attachments.empty()) {
    boost::json::array list(memory);
    for (const auto& a : m.attachments) {
      list.push_back(boost::json::object({{"id", a.id},
                                          {"name", a.name},
                                          {"type", a.type},
                                          {"size", a.size},
                                          {"url", "/uploads/" + a.id}},
                                         memory));
    }
    out.emplace("attachments", std::move(list));
  }
  return out;
}

}  // namespace parley::proto
