#include "parley/redis/connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "parley/log/log.hpp"

namespace parley::redis {
namespace asio = boost::asio;

/// hiredis's event hooks on an Asio descriptor. hiredis owns the socket and closes it after
/// `cleanup`, so the descriptor is released (not closed) there; waits still queued then see
/// `alive == false` and do nothing.
struct connection::watcher : std::enable_shared_from_this<watcher> {
  watcher(asio::io_context& ctx, int fd, redisAsyncContext* ac) : socket(ctx, fd), ac(ac) {}

  asio::posix::stream_descriptor socket;
  redisAsyncContext* ac;
  bool alive = true;
  bool want_read = false;
  bool want_write = false;
  bool read_waiting = false;
  bool write_waiting = false;

  /// Waits for the socket to become readable (or writable) while hiredis wants it, then lets
  /// hiredis read (or write) and waits again.
  void arm(bool write) {
    auto& wanted = write ? want_write : want_read;
    auto& waiting = write ? write_waiting : read_waiting;
    if (!alive || !wanted || waiting) {
      return;
    }
    waiting = true;
    socket.async_wait(write ? asio::posix::stream_descriptor::wait_write
                            : asio::posix::stream_descriptor::wait_read,
                      [self = shared_from_this(), write](const boost::system::error_code& ec) {
                        (write ? self->write_waiting : self->read_waiting) = false;
                        if (ec || !self->alive || !(write ? self->want_write : self->want_read)) {
                          return;
                        }
                        write ? redisAsyncHandleWrite(self->ac) : redisAsyncHandleRead(self->ac);
                        self->arm(write);
                      });
  }

  static watcher& of(void* data) { return **static_cast<std::shared_ptr<watcher>*>(data); }
  static void add_read(void* data) {
    auto& w = of(data);
    w.want_read = true;
    w.arm(false);
  }
  static void del_read(void* data) { of(data).want_read = false; }
  static void add_write(void* data) {
    auto& w = of(data);
    w.want_write = true;
    w.arm(true);
  }
  static void del_write(void* data) { of(data).want_write = false; }
  static void cleanup(void* data) {
    auto* holder = static_cast<std::shared_ptr<watcher>*>(data);
    auto& w = **holder;
    w.alive = false;
    boost::system::error_code ignored;
    w.socket.cancel(ignored);
    w.socket.release();
    delete holder;
  }
};

connection::connection(asio::io_context& ctx, config::redis_url url, timeouts limits)
    : ctx_(ctx), url_(std::move(url)), limits_(limits), deadline_timer_(ctx) {}

connection::~connection() {
  close();
}

void connection::open(std::function<void(bool)> on_ready,
                      std::function<void(std::string)> on_down) {
  close();
  on_ready_ = std::move(on_ready);
  on_down_ = std::move(on_down);
  closing_ = false;
  ac_ = redisAsyncConnect(url_.host.c_str(), url_.port);
  if (ac_ == nullptr || ac_->err != 0) {
    const std::string why = ac_ ? ac_->errstr : "out of memory";
    if (ac_) {
      redisAsyncFree(ac_);
      ac_ = nullptr;
    }
    PARLEY_LOG(debug, "redis") << "connect to " << url_.host << ":" << url_.port
                               << " failed: " << why;
    asio::post(ctx_, [fn = std::move(on_ready_)] { fn(false); });
    return;
  }
  ac_->data = this;
  auto* holder = new std::shared_ptr<watcher>(std::make_shared<watcher>(ctx_, ac_->c.fd, ac_));
  ac_->ev.data = holder;
  ac_->ev.addRead = &watcher::add_read;
  ac_->ev.delRead = &watcher::del_read;
  ac_->ev.addWrite = &watcher::add_write;
  ac_->ev.delWrite = &watcher::del_write;
  ac_->ev.cleanup = &watcher::cleanup;
  redisAsyncSetConnectCallback(ac_, &connection::on_connected);
  redisAsyncSetDisconnectCallback(ac_, &connection::on_disconnected);
  connect_started_ = std::chrono::steady_clock::now();
  // A non-blocking connect completes when the socket turns writable.
  watcher::add_write(holder);
  arm_deadline_timer();
}

void connection::on_connected(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<connection*>(ac->data);
  if (status != REDIS_OK) {
    // hiredis frees the context right after this callback.
    self->ac_ = nullptr;
    self->pending_.clear();
    PARLEY_LOG(debug, "redis") << "connect to " << self->url_.host << ":" << self->url_.port
                               << " failed: " << ac->errstr;
    if (auto fn = std::move(self->on_ready_)) {
      fn(false);
    }
    return;
  }
  self->handshake();
}

void connection::handshake() {
  auto finish = [this](std::optional<reply> r) {
    if (!on_ready_) {
      return;
    }
    if (!r || r->error) {
      PARLEY_LOG(warn, "redis") << "handshake with " << url_.host << ":" << url_.port
                                << " failed: " << (r ? r->text : "no reply");
      auto fn = std::move(on_ready_);
      closing_ = true;
      close();
      fn(false);
      return;
    }
  };
  if (!url_.password.empty()) {
    command({"AUTH", url_.password}, finish);
  }
  const auto db = std::to_string(url_.db);
  command({"SELECT", db}, finish);
  // Replies come in order: the PING's answer means AUTH and SELECT are done.
  command({"PING"}, [this](std::optional<reply> r) {
    if (!on_ready_) {
      return;
    }
    auto fn = std::move(on_ready_);
    if (!r || r->error) {
      close();
      fn(false);
      return;
    }
    ready_ = true;
    fn(true);
  });
}

void connection::on_disconnected(const redisAsyncContext* ac, int) {
  auto* self = static_cast<connection*>(ac->data);
  self->ac_ = nullptr;
  self->lost(ac->err != 0 ? ac->errstr : "connection closed");
}

void connection::lost(std::string reason) {
  const bool was_ready = ready_;
  ready_ = false;
  pending_.clear();
  if (closing_) {
    return;
  }
  if (!was_ready) {
    if (auto fn = std::move(on_ready_)) {
      fn(false);
    }
    return;
  }
  if (auto fn = std::move(on_down_)) {
    fn(std::move(reason));
  }
}

void connection::close() {
  if (ac_ == nullptr) {
    return;
  }
  closing_ = true;
  auto* ac = ac_;
  ac_ = nullptr;
  ready_ = false;
  redisAsyncFree(ac);
  pending_.clear();
}

bool connection::command(const std::vector<std::string_view>& args, reply_fn done) {
  if (ac_ == nullptr) {
    return false;
  }
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (auto a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* privdata = done ? new reply_fn(std::move(done)) : nullptr;
  if (redisAsyncCommandArgv(ac_, &connection::on_reply, privdata, static_cast<int>(argv.size()),
                            argv.data(), lens.data()) != REDIS_OK) {
    delete privdata;
    return false;
  }
  pending_.push_back(std::chrono::steady_clock::now());
  arm_deadline_timer();
  return true;
}

void connection::on_reply(redisAsyncContext* ac, void* r, void* privdata) {
  auto* self = static_cast<connection*>(ac->data);
  std::unique_ptr<reply_fn> done(static_cast<reply_fn*>(privdata));
  if (self != nullptr && !self->pending_.empty() && r != nullptr) {
    self->pending_.pop_front();
  }
  if (!done) {
    return;
  }
  if (r == nullptr) {
    (*done)(std::nullopt);
    return;
  }
  const auto* rep = static_cast<const redisReply*>(r);
  reply out;
  switch (rep->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.text.assign(rep->str, rep->len);
      break;
    case REDIS_REPLY_ERROR:
      out.text.assign(rep->str, rep->len);
      out.error = true;
      break;
    case REDIS_REPLY_INTEGER:
      out.text = std::to_string(rep->integer);
      break;
    default:
      break;
  }
  (*done)(std::move(out));
}

bool connection::subscribe(const std::string& topic) {
  if (ac_ == nullptr) {
    return false;
  }
  const char* argv[] = {"SUBSCRIBE", topic.data()};
  const std::size_t lens[] = {9, topic.size()};
  return redisAsyncCommandArgv(ac_, &connection::on_subscription, this, 2, argv, lens) == REDIS_OK;
}

bool connection::unsubscribe(const std::string& topic) {
  if (ac_ == nullptr) {
    return false;
  }
  const char* argv[] = {"UNSUBSCRIBE", topic.data()};
  const std::size_t lens[] = {11, topic.size()};
  return redisAsyncCommandArgv(ac_, nullptr, nullptr, 2, argv, lens) == REDIS_OK;
}

void connection::on_subscription(redisAsyncContext*, void* r, void* privdata) {
  const auto* rep = static_cast<const redisReply*>(r);
  if (rep == nullptr || rep->type != REDIS_REPLY_ARRAY || rep->elements != 3) {
    return;
  }
  const auto* kind = rep->element[0];
  const auto* topic = rep->element[1];
  const auto* payload = rep->element[2];
  if (kind->type != REDIS_REPLY_STRING || topic->type != REDIS_REPLY_STRING) {
    return;
  }
  auto* self = static_cast<connection*>(privdata);
  const std::string_view what(kind->str, kind->len);
  if (what == "subscribe") {
    if (self->on_subscribed_) {
      self->on_subscribed_(std::string_view(topic->str, topic->len));
    }
    return;
  }
  if (what != "message" || payload->type != REDIS_REPLY_STRING) {
    return;
  }
  if (self->on_message_) {
    self->on_message_(std::string_view(topic->str, topic->len),
                      std::string_view(payload->str, payload->len));
  }
}

void connection::arm_deadline_timer() {
  if (timer_armed_) {
    return;
  }
  timer_armed_ = true;
  deadline_timer_.expires_after(std::chrono::milliseconds(250));
  deadline_timer_.async_wait([this](const boost::system::error_code& ec) {
    timer_armed_ = false;
    if (ec) {
      return;
    }
    check_deadlines();
  });
}

void connection::check_deadlines() {
  if (ac_ == nullptr) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (!ready_ && now - connect_started_ > limits_.connect) {
    PARLEY_LOG(debug, "redis") << "connect to " << url_.host << ":" << url_.port << " timed out";
    auto fn = std::move(on_ready_);
    close();
    if (fn) {
      fn(false);
    }
    return;
  }
  if (!pending_.empty() && now - pending_.front() > limits_.command) {
    auto down = std::move(on_down_);
    auto ready = std::move(on_ready_);
    close();
    if (ready) {
      ready(false);
    } else if (down) {
      down("no reply within " + std::to_string(limits_.command.count()) + " ms");
    }
    return;
  }
  if (!ready_ || !pending_.empty()) {
    arm_deadline_timer();
  }
}

}  // namespace parley::redis
