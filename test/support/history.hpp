#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace parley::test {

/// Every stored message of a channel, oldest first, read over HTTP page by page (at most 1,000
/// pages of 100): what the database holds, whatever was delivered. REQUIREs each page to be 200.
std::vector<boost::json::object> stored_messages(std::uint16_t port, const std::string& token,
                                                 const std::string& channel);

}  // namespace parley::test
