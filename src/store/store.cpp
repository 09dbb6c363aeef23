#include "parley/store/store.hpp"

#include "parley/log/log.hpp"
#include "parley/store/migrations.hpp"

namespace parley::store {
namespace {

thread_local database* this_reader = nullptr;

}  // namespace

store::store(connect_fn connect, int readers)
    : db_(connect()), work_(context_.get_executor()), reader_work_(reader_context_.get_executor()) {
  const auto outcome = migrate(*db_, embedded_migrations(db_->dialect()));
  schema_version_ = outcome.to_version;
  if (outcome.from_version != outcome.to_version) {
    PARLEY_LOG(info, "store") << "migrated the database from schema " << outcome.from_version
                              << " to " << outcome.to_version;
  }
  std::vector<std::unique_ptr<database>> connections;
  for (int i = 0; i < readers; ++i) {
    connections.push_back(connect());
  }
  for (auto& c : connections) {
    readers_.emplace_back([this, c = std::move(c)] {
      this_reader = c.get();
      reader_context_.run();
    });
  }
  thread_ = std::thread([this] { context_.run(); });
}

store::store(const std::string& sqlite_path)
    : store([sqlite_path] { return std::make_unique<sqlite_database>(sqlite_path); }) {}

store::~store() {
  stop();
}

void store::stop() {
  if (!thread_.joinable()) {
    return;
  }
  reader_work_.reset();
  for (auto& t : readers_) {
    t.join();
  }
  work_.reset();
  thread_.join();
  db_.reset();
}

database& store::reader_connection() {
  return *this_reader;
}

void store::log_failed_job(const std::exception& e) {
  PARLEY_LOG(error, "store") << "a queued database job failed: " << e.what();
}

}  // namespace parley::store
