#include "parley/proto/message_json.hpp"

namespace parley::proto {

boost::json::object message_json(std::string_view channel, const model::stored_message& m,
                                 boost::json::storage_ptr memory) {
  return boost::json::object({{"type", "message"},
                              {"channel", channel},
                              {"id", m.id},
                              {"from", m.from},
                              {"text", m.text},
                              {"ts", m.ts_ms}},
                             std::move(memory));
}

}  // namespace parley::proto
