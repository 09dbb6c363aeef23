#include "parley/store/store.hpp"

#include "parley/log/log.hpp"
#include "parley/store/migrations.hpp"

namespace parley::store {

store::store(const std::string& path)
    : db_(std::make_unique<database>(path)), work_(context_.get_executor()) {
  const auto outcome = migrate(*db_, embedded_migrations());
  schema_version_ = outcome.to_version;
  if (outcome.from_version != outcome.to_version) {
    PARLEY_LOG(info, "store") << "migrated " << path << " from schema " << outcome.from_version
                              << " to " << outcome.to_version;
  }
  thread_ = std::thread([this] { context_.run(); });
}

store::~store() {
  stop();
}

void store::stop() {
  if (!thread_.joinable()) {
    return;
  }
  work_.reset();
  thread_.join();
  db_.reset();
}

}  // namespace parley::store
