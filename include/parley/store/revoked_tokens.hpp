#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/store/database.hpp"

namespace parley::store {

/// Records a revoked token id until its expiry (idempotent).
void revoke_token(database& db, std::string_view jti, std::int64_t expires_at);

/// Deletes revocations that have expired and returns the rest as (jti, expires_at).
std::vector<std::pair<std::string, std::int64_t>> load_revoked_tokens(database& db,
                                                                      std::int64_t now_s);

}  // namespace parley::store
