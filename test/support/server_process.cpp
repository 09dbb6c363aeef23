#include "support/server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <regex>
#include <stdexcept>

extern char** environ;

namespace parley::test {
namespace {

struct spawned {
  pid_t pid;
  int out_fd;
};

/// fork + chdir + exec with stdout and stderr on one pipe; everything allocated before fork.
spawned spawn(const std::filesystem::path& dir, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env,
              const std::string& program = PARLEY_SERVER_BINARY) {
  std::vector<std::string> argv_store{program};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "PARLEY_", 7) != 0) {
      env_store.emplace_back(*e);
    }
  }
  for (const auto& [k, v] : env) {
    env_store.push_back(k + "=" + v);
  }
  std::vector<char*> argv;
  for (auto& a : argv_store)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_store)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string dir_text = dir.string();

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    // Its own process group, so that killing it also kills what it forks (nginx's workers,
    // which would otherwise keep the output pipe open).
    setpgid(0, 0);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    if (chdir(dir_text.c_str()) != 0) {
      _exit(126);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here: whichever runs first, the group exists before any kill
  close(fds[1]);
  return {pid, fds[0]};
}

}  // namespace

std::string sanitizer_report(const std::string& log) {
  // ASan and LSan open with "==pid==ERROR: ...Sanitizer", TSan with "WARNING: ThreadSanitizer",
  // UBSan with "file:line:col: runtime error:"; what follows is the report.
  static const std::regex start(
      R"(==[0-9]+==ERROR: [A-Za-z]+Sanitizer|WARNING: ThreadSanitizer|: runtime error: )");
  std::smatch m;
  if (!std::regex_search(log, m, start)) {
    return {};
  }
  const auto line = log.rfind('\n', static_cast<std::size_t>(m.position(0)));
  const auto from = line == std::string::npos ? 0 : line + 1;
  return log.substr(from, 6000);
}

std::vector<std::string> default_server_args(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "static");
  return {"--listen", "127.0.0.1:0", "--db", (dir / "parley.db").string(), "--static-dir",
          (dir / "static").string(), "--upload-dir", (dir / "uploads").string(), "--jwt-secret",
          test_jwt_secret, "--log-level", "info",
          // Tests sign many users up from one address; the limit's own test sets it.
          "--auth-rate", "0"};
}

std::uint16_t free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) {
      close(fd);
    }
    throw std::runtime_error("no free loopback port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::uint16_t start_on_free_port(const std::function<void(std::uint16_t)>& start) {
  for (int attempt = 0;; ++attempt) {
    const auto port = free_loopback_port();
    try {
      start(port);
      return port;
    } catch (const std::runtime_error&) {
      if (attempt == 2) {
        throw;
      }
    }
  }
}

server_process::server_process(const std::filesystem::path& work_dir, std::vector<std::string> args,
                               std::map<std::string, std::string> env, const std::string& program,
                               const std::string& ready_pattern) {
  const auto child = spawn(work_dir, args, env, program);
  pid_ = child.pid;
  reader_ = std::thread([this, fd = child.out_fd] { read_stderr(fd); });
  const std::regex listening(ready_pattern);
  std::unique_lock lock(mutex_);
  std::smatch m;
  const bool up = changed_.wait_for(lock, std::chrono::seconds(30), [&] {
    return std::regex_search(log_, m, listening) || stderr_closed_;
  });
  if (!up || stderr_closed_ || m.empty()) {
    const auto text = log_;
    lock.unlock();
    kill_now();
    throw std::runtime_error(program + " did not start:\n" + text);
  }
  if (m.size() > 1 && m[1].matched) {
    port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
  }
}

server_process::~server_process() {
  // A clean stop rather than SIGKILL: LeakSanitizer checks only at a normal exit, and a server
  // that hangs in shutdown is still killed.
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::seconds(10))) {
      kill_now();
    }
  }
  kill_now();
  if (const auto report = sanitizer_report(log()); !report.empty()) {
    FAIL_CHECK("the server's sanitizer reported:\n" << report);
  }
}

void server_process::read_stderr(int fd) {
  char buf[4096];
  for (;;) {
    const auto n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    std::lock_guard lock(mutex_);
    log_.append(buf, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  close(fd);
  std::lock_guard lock(mutex_);
  stderr_closed_ = true;
  changed_.notify_all();
}

std::optional<int> server_process::wait_exit(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      if (reader_.joinable()) {
        reader_.join();
      }
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    // The child closes its end of the pipe when it exits: wait on that instead of sleeping.
    std::unique_lock lock(mutex_);
    if (std::chrono::steady_clock::now() >= until) {
      return std::nullopt;
    }
    changed_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stderr_closed_; });
  }
}

int server_process::terminate(std::chrono::milliseconds deadline, int sig) {
  if (pid_ <= 0) {
    throw std::runtime_error("server already stopped");
  }
  ::kill(pid_, sig);
  const auto code = wait_exit(deadline);
  if (!code) {
    kill_now();
    throw std::runtime_error("server did not exit after SIGTERM within the deadline");
  }
  return *code;
}

void server_process::send_signal(int sig) {
  if (pid_ <= 0) {
    throw std::runtime_error("server already stopped");
  }
  ::kill(pid_, sig);
}

void server_process::kill_now() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (reader_.joinable()) {
    reader_.join();
  }
}

bool server_process::wait_for_log(const std::string& needle, std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] { return log_.find(needle) != std::string::npos; });
}

std::string server_process::log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

run_result run_to_exit(const std::filesystem::path& work_dir, std::vector<std::string> args,
                       std::map<std::string, std::string> env, std::chrono::milliseconds deadline,
                       const std::string& program) {
  const auto child = spawn(work_dir, args, env, program);
  run_result out;
  const auto until = std::chrono::steady_clock::now() + deadline;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{child.out_fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      ::kill(-child.pid, SIGKILL);
      break;
    }
    const auto n = read(child.out_fd, buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    out.output.append(buf, static_cast<std::size_t>(n));
  }
  close(child.out_fd);
  int status = 0;
  waitpid(child.pid, &status, 0);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (const auto report = sanitizer_report(out.output); !report.empty()) {
    FAIL_CHECK(program << "'s sanitizer reported:\n" << report);
  }
  return out;
}

}  // namespace parley::test
