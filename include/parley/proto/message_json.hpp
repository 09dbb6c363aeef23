#pragma once

#include <boost/json/object.hpp>

#include <string_view>

#include "parley/store/channels.hpp"

namespace parley::proto {

/// The contract's `message` object: {"type":"message","channel","id","from","text","ts"}.
boost::json::object message_json(std::string_view channel, const store::stored_message& m);

}  // namespace parley::proto
