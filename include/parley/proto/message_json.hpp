#pragma once

#include <boost/json/object.hpp>

#include <string_view>

#include "parley/model/message.hpp"

namespace parley::proto {

/// The contract's `message` object: {"type":"message","channel","id","from","text","ts"}.
/// Built with `memory` (the default heap unless given).
boost::json::object message_json(std::string_view channel, const model::stored_message& m,
                                 boost::json::storage_ptr memory = {});

}  // namespace parley::proto
