#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/model/upload.hpp"
#include "parley/store/database.hpp"

namespace parley::store {

/// Inserts an upload record; the caller makes the id and has stored the file under its hash.
/// Throws database_error (is_constraint()) when the id exists.
void insert_upload(database& db, const model::upload& u);

/// The upload record with this id, if any.
std::optional<model::upload> find_upload(database& db, std::string_view id);

/// Whether the user may fetch the upload: its uploader, or anyone who may read a channel it is
/// attached to (every user for a public channel, the members for any other kind). False for an
/// unknown id.
bool may_read_upload(database& db, std::string_view id, std::int64_t user_id);

/// The given uploads as attachments, in the given order; nullopt when any id is not an upload of
/// this user. An empty list gives an empty vector.
std::optional<std::vector<model::attachment>> uploads_of_sender(
    database& db, std::int64_t uploader_id, const std::vector<std::string>& ids);

/// Attaches the uploads to a stored message, in order. Runs inside the caller's transaction (the
/// one storing the message); it opens none of its own.
void attach_uploads(database& db, std::int64_t channel_id, std::int64_t message_id,
                    const std::vector<model::attachment>& attachments);

/// Inside a transaction, waits until no other instance places or sweeps upload files, and keeps
/// them out until commit. SQLite's write transaction already does; PostgreSQL takes an advisory
/// lock for it.
void lock_uploads(database& db);

/// What the store holds: upload records and the sum of their sizes.
struct upload_totals {
  std::int64_t count = 0;
  std::int64_t bytes = 0;
};
upload_totals stored_upload_totals(database& db);

/// In one transaction: deletes the upload records created before `created_before_s` that were
/// never attached to a message, and returns the hashes no remaining record points at: the files
/// the caller may now delete.
/// `remove_files` (when given) is called with those hashes before the transaction commits: the
/// lock_uploads() lock it holds keeps every instance from placing one of those files meanwhile
/// (uploads are placed and recorded under the same lock).
std::vector<std::string> sweep_uploads(
    database& db, std::int64_t created_before_s,
    const std::function<void(const std::vector<std::string>&)>& remove_files = {});

}  // namespace parley::store
