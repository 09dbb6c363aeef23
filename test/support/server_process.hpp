#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace parley::test {

/// The JWT secret of every test server (default_server_args), for tests that sign tokens.
inline constexpr const char* test_jwt_secret = "test-secret-0123456789";

/// What the parley server prints once it serves; its group is the port.
inline constexpr const char* parley_ready_pattern =
    R"(listening on (?:[0-9.]+|\[[0-9a-fA-F:]+\]):([0-9]+))";

/// A real server binary (parley unless told otherwise: redis-server, nginx) run as a child
/// process in `work_dir`, its output captured. The environment is the test's own minus every
/// PARLEY_* variable, plus `env`.
class server_process {
 public:
  /// Starts the program and waits (bounded) for output matching `ready_pattern` (its first
  /// group, if any, is the port); throws if it exits or does not get there in time.
  server_process(const std::filesystem::path& work_dir, std::vector<std::string> args,
                 std::map<std::string, std::string> env = {},
                 const std::string& program = PARLEY_SERVER_BINARY,
                 const std::string& ready_pattern = parley_ready_pattern);
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;
  /// Stops the server if it still runs (SIGTERM, SIGKILL after 10 s) and fails the current test
  /// if its output holds a sanitizer report (sanitizer_report).
  ~server_process();

  /// The port read from the ready line (0 when the pattern has no group).
  std::uint16_t port() const { return port_; }

  /// SIGTERM (or `sig`), then waits up to `deadline` for the exit; returns the exit status (-1 if
  /// killed by a signal), throws on timeout.
  int terminate(std::chrono::milliseconds deadline = std::chrono::seconds(10), int sig = SIGTERM);
  /// SIGKILL and reap.
  void kill_now();
  /// Sends `sig` (SIGHUP, SIGSTOP, SIGCONT...) to the server and goes on.
  void send_signal(int sig);

  /// Waits until the captured log contains `needle`; false at the deadline.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds deadline);
  std::string log() const;

 private:
  void read_stderr(int fd);
  std::optional<int> wait_exit(std::chrono::milliseconds deadline);

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string log_;
  bool stderr_closed_ = false;
  std::thread reader_;
};

/// The first AddressSanitizer, LeakSanitizer, ThreadSanitizer or UndefinedBehaviorSanitizer report
/// in a process's output, from its first line on (bounded); empty when there is none.
std::string sanitizer_report(const std::string& log);

/// The result of running the binary to completion.
struct run_result {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr
};

/// Runs `program args...` (the server unless told otherwise) in `work_dir` and waits (bounded)
/// for it to exit.
run_result run_to_exit(const std::filesystem::path& work_dir, std::vector<std::string> args,
                       std::map<std::string, std::string> env = {},
                       std::chrono::milliseconds deadline = std::chrono::seconds(15),
                       const std::string& program = PARLEY_SERVER_BINARY);

/// A TCP port on 127.0.0.1 that was free a moment ago, for programs that cannot pick their own
/// and report it (redis-server, nginx).
std::uint16_t free_loopback_port();

/// Calls `start(port)` with a free loopback port, up to three times: the port was free when
/// chosen, and another process may take it before the server binds it (start throws
/// std::runtime_error then). Returns the port it started on.
std::uint16_t start_on_free_port(const std::function<void(std::uint16_t)>& start);

/// The arguments every test server gets: loopback, a free port, a database and static dir in
/// `dir`, a fixed JWT secret.
std::vector<std::string> default_server_args(const std::filesystem::path& dir);

}  // namespace parley::test
