#include "parley/server/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>

#include "parley/auth/password.hpp"
#include "parley/chat/local_bus.hpp"
#include "parley/cluster/redis_bus.hpp"
#include "parley/log/log.hpp"
#include "parley/postgres/connection_url.hpp"
#include "parley/postgres/pg_database.hpp"
#include "parley/proto/server_frames.hpp"
#include "parley/store/revoked_tokens.hpp"
#include "parley/store/uploads.hpp"
#include "parley/upload/spool_file.hpp"
#include "parley/util/clock.hpp"
#include "parley/util/open_files.hpp"
#include "parley/util/random.hpp"

namespace parley::server {
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

/// How long shutdown waits for connections to finish before stopping the I/O threads.
constexpr std::chrono::seconds drain_deadline{8};
/// Scrypt is CPU-bound: more threads than cores would only queue inside the kernel.
constexpr unsigned max_hash_threads = 2;
/// Upload reads and writes wait on the disk, not the CPU: a few threads keep several moving.
constexpr unsigned file_threads = 2;
/// PostgreSQL connections (each with its thread) for request-answer jobs, besides the writer's:
/// enough to keep sign-ins, joins and history reads from queueing behind each other, few enough
/// that a hundred instances stay within a default max_connections of the server.
constexpr int postgres_readers = 3;
/// The longest wait between two sweeps of unattached uploads.
constexpr std::chrono::seconds max_sweep_interval{3600};

asio::ip::tcp::endpoint resolve_listen(const config::config& cfg) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(cfg.listen_host, ec);
  if (!ec) {
    return {address, cfg.listen_port};
  }
  asio::io_context ctx;
  asio::ip::tcp::resolver resolver(ctx);
  const auto results = resolver.resolve(cfg.listen_host, std::to_string(cfg.listen_port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve listen host '" + cfg.listen_host + "'");
  }
  return results.begin()->endpoint();
}

/// Sets the uploads-stored gauges from the store (on its thread): exact, whichever instance of a
/// cluster stored or swept the uploads.
void count_stored_uploads(store::database& db, metrics::registry& metrics) {
  const auto totals = store::stored_upload_totals(db);
  metrics.uploads_stored.store(totals.count, std::memory_order_relaxed);
  metrics.uploads_stored_bytes.store(totals.bytes, std::memory_order_relaxed);
}

fs::path canonical_static_root(const std::string& dir) {
  std::error_code ec;
  auto root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root, ec)) {
    PARLEY_LOG(warn, "http") << "static directory '" << dir << "' not found: serving no files";
    return {};
  }
  return root;
}

std::string endpoint_text(const asio::ip::tcp::endpoint& ep) {
  const auto host = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
}

}  // namespace

server::server(config::config cfg)
    : cfg_(std::move(cfg)),
      hash_pool_(std::min(max_hash_threads, std::max(1u, std::thread::hardware_concurrency()))),
      file_pool_(file_threads),
      tokens_(cfg_.jwt_secret, cfg_.token_ttl_s),
      connections_(metrics_),
      io_(cfg_.threads),
      sign_ins_(cfg_.auth_rate) {
  metrics_.instance_id = cfg_.instance_id;
  if (!cfg_.tls_cert.empty()) {
    tls_ = std::make_unique<tls::context_store>(cfg_.tls_cert, cfg_.tls_key);
  }
  const auto files = util::raise_open_files_limit();
  PARLEY_LOG(info, "server") << "open-files limit raised to the hard limit: " << files;

  {
    std::error_code ec;
    fs::create_directories(cfg_.upload_dir, ec);
    if (ec || !fs::is_directory(cfg_.upload_dir)) {
      throw std::runtime_error("cannot create the upload directory '" + cfg_.upload_dir +
                               "': " + (ec ? ec.message() : "not a directory"));
    }
    upload::remove_leftover_spools(cfg_.upload_dir);
  }
  if (postgres::is_postgres_url(cfg_.db_path)) {
    store_ = std::make_unique<store::store>(
        [url = cfg_.db_path] { return std::make_unique<postgres::pg_database>(url); },
        postgres_readers);
  } else {
    store_ = std::make_unique<store::store>(cfg_.db_path);
  }
  tokens_.load(store_->run_blocking(
      [](store::database& db) { return store::load_revoked_tokens(db, util::unix_seconds()); }));

  std::vector<asio::io_context*> contexts;
  for (std::size_t i = 0; i < io_.size(); ++i) {
    contexts.push_back(&io_.at(i));
  }
  token_sessions_ = std::make_unique<net::token_sessions>(contexts);
  tokens_.on_revoke([this](const std::string& jti) { token_sessions_->revoked(jti); });
  hub_ = std::make_unique<chat::hub>(std::move(contexts), metrics_);
  if (!cfg_.redis.empty()) {
    // Unique even if two instances were given the same name: it tells our echoes apart.
    bus_ = std::make_unique<cluster::redis_bus>(cfg_.redis,
                                                cfg_.instance_id + "/" + util::random_hex(4), *hub_,
                                                *store_, tokens_, memberships_, metrics_);
  } else {
    bus_ = std::make_unique<chat::local_bus>(*hub_);
  }
  hub_->set_link(*bus_);
  messages_ = std::make_unique<chat::message_log>(
      *store_, metrics_,
      [this](store::database& db, const std::vector<chat::outgoing_message>& batch) {
        bus_->committed(db, batch);
      },
      [this](const chat::outgoing_message& m) {
        hub_->send_to_session(
            m.sender_thread, m.sender_session,
            proto::make_frame(proto::error_frame(error::code::internal,
                                                 "the message could not be stored", m.ref)));
      });

  api_ = std::unique_ptr<http::api_context>(new http::api_context{
      *store_, hash_pool_, tokens_, metrics_, *bus_, *hub_, cfg_.static_dir.empty(),
      cfg_.static_dir.empty() ? fs::path() : canonical_static_root(cfg_.static_dir),
      auth::hash_password("parley: the hash unknown users are checked against"),
      cfg_.allowed_origins, !cfg_.tls_cert.empty()});
  sessions_ = std::unique_ptr<chat::session_services>(
      new chat::session_services{*store_, *hub_, *messages_, *bus_, memberships_, metrics_});
  services_ = std::unique_ptr<net::services>(
      new net::services{cfg_, metrics_, *sessions_, *api_, *token_sessions_, file_pool_, tls_.get(),
                        sign_ins_, cfg_.trusted_proxies});

  const auto endpoint = resolve_listen(cfg_);
  try {
    listener_ = std::make_unique<net::listener>(io_, endpoint, *services_, connections_);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + endpoint_text(endpoint) + ": " +
                             e.code().message());
  }
}

server::~server() {
  shutdown();
}

int server::run() {
  asio::io_context signals_ctx;
  asio::signal_set signals(signals_ctx, SIGINT, SIGTERM, SIGHUP);
  int received = 0;
  // Runs on this (main) thread, never an I/O thread: a reload reads files.
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (!ec && sig == SIGHUP) {
          reload_tls();
          signals.async_wait(on_signal);
          return;
        }
        received = sig;
      };
  signals.async_wait(on_signal);

  bus_->start();
  store_->post([this](store::database& db) { count_stored_uploads(db, metrics_); });
  schedule_sweep();
  io_.start();
  listener_->start();
  std::string cluster;
  for (const auto& url : cfg_.redis) {
    cluster += (cluster.empty() ? "cluster over Redis " : ", ") + url.host + ":" +
               std::to_string(url.port);
  }
  const auto bound = listener_->local_endpoint();
  PARLEY_LOG(info, "server")
          .field("address", bound.address().to_string())
          .field("port", bound.port())
          .field("threads", io_.size())
      << "listening on " << endpoint_text(bound) << " (instance " << cfg_.instance_id << ", "
      << io_.size() << " I/O threads, database " << postgres::without_password(cfg_.db_path)
      << ", schema " << store_->schema_version() << ", " << (tls_ ? "HTTPS/WSS, " : "")
      << (cluster.empty() ? "standalone" : cluster) << ")";
  signals_ctx.run();
  PARLEY_LOG(info, "server").field("signal", received)
      << "signal " << received << ": shutting down";
  shutdown();
  PARLEY_LOG(info, "server") << "stopped";
  return 0;
}

void server::reload_tls() {
  if (!tls_) {
    PARLEY_LOG(info, "tls") << "SIGHUP: no TLS certificate configured, nothing to reload";
    return;
  }
  if (const auto failure = tls_->reload(); !failure.empty()) {
    PARLEY_LOG(error, "tls") << "SIGHUP: keeping the current certificate: " << failure;
    return;
  }
  PARLEY_LOG(info, "tls") << "SIGHUP: reloaded " << cfg_.tls_cert << " and " << cfg_.tls_key;
}

void server::shutdown() {
  if (!listener_) {
    return;
  }
  listener_->stop();
  asio::post(io_.at(0), [this] { sweep_timer_->cancel(); });
  const auto open = connections_.size();
  connections_.close_all();
  const bool drained = connections_.wait_empty(std::chrono::steady_clock::now() + drain_deadline);
  if (!drained) {
    PARLEY_LOG(warn, "server") << connections_.size()
                               << " connections still open at the deadline; closing them";
  }
  io_.stop();
  listener_.reset();
  hash_pool_.join();
  file_pool_.join();
  store_->stop();
  bus_->stop();
  if (drained) {
    PARLEY_LOG(info, "server") << "drained: " << open
                               << " connections closed (WebSockets with 1001), every queued "
                                  "write stored";
  }
}

void server::schedule_sweep() {
  if (!sweep_timer_) {
    sweep_timer_ = std::make_unique<asio::steady_timer>(io_.at(0));
  }
  const auto interval =
      std::clamp<std::chrono::seconds>(std::chrono::seconds(cfg_.unattached_upload_ttl_s / 2),
                                       std::chrono::seconds(1), max_sweep_interval);
  sweep_timer_->expires_after(interval);
  sweep_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    store_->post(
        [this, dir = cfg_.upload_dir, ttl = cfg_.unattached_upload_ttl_s](store::database& db) {
          try {
            store::sweep_uploads(db, util::unix_seconds() - ttl,
                                 [&dir](const std::vector<std::string>& unreferenced) {
                                   upload::remove_stored(dir, unreferenced);
                                 });
            count_stored_uploads(db, metrics_);
          } catch (const std::exception& e) {
            PARLEY_LOG(error, "upload") << "sweep failed: " << e.what();
          }
        });
    schedule_sweep();
  });
}

}  // namespace parley::server
