#include "support/host_network.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

/// Runs `ip args...`; the output when it failed, empty when it worked.
std::string ip(const std::vector<std::string>& args) {
  const auto r = run_to_exit(std::filesystem::temp_directory_path(), args, {},
                             std::chrono::seconds(10), PARLEY_IP_BINARY);
  return r.exit_code == 0 ? std::string() : "ip " + args.front() + ": " + r.output;
}

}  // namespace

host_network::host_network(int hosts) : hosts_(hosts) {
  available_ = claim_block() && make();
  if (!available_) {
    for (const auto& n : made_) {
      ip({"netns", "del", n});
    }
    made_.clear();
  }
}

host_network::~host_network() {
  for (const auto& n : made_) {
    ip({"netns", "del", n});
  }
  if (block_lock_ >= 0) {
    close(block_lock_);
  }
}

bool host_network::claim_block() {
  if (hosts_ == 0) {
    why_ = "no host asked for";
    return false;
  }
  // Test processes run in parallel (ctest -j): each takes a /24 of its own, held by an flock
  // that the kernel releases if the process dies.
  const auto first = static_cast<int>(getpid() % 250);
  for (int n = 0; n < 250; ++n) {
    const int block = (first + n) % 250;
    const auto path = std::filesystem::temp_directory_path() /
                      ("parley-netns-block-" + std::to_string(block) + ".lock");
    const int fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
      block_ = block;
      block_lock_ = fd;
      return true;
    }
    if (fd >= 0) {
      close(fd);
    }
  }
  why_ = "every address block is taken";
  return false;
}

std::string host_network::name(int i) const {
  return "parley-" + std::to_string(getpid()) + "-" + std::to_string(i);
}

// 10.77.<block>.0/24 holds one /30 per host: .4i+1 on the test's side, .4i+2 in the host.
std::string host_network::in_block(int last) const {
  return "10.77." + std::to_string(block_) + "." + std::to_string(last);
}

std::string host_network::address(int i) const {
  return available_ ? in_block(4 * i + 2) : "127.0.0.1";
}

std::string host_network::gateway(int i) const {
  return available_ ? in_block(4 * i + 1) : "127.0.0.1";
}

std::vector<std::string> host_network::gateways() const {
  std::vector<std::string> out;
  if (available_) {
    for (int i = 0; i < hosts_; ++i) {
      out.push_back(gateway(i));
    }
  }
  return out;
}

std::string host_network::program(const std::string& program) const {
  return available_ ? PARLEY_IP_BINARY : program;
}

std::vector<std::string> host_network::args(int i, const std::string& program,
                                            std::vector<std::string> args) const {
  if (!available_) {
    return args;
  }
  std::vector<std::string> out{"netns", "exec", name(i), program};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

bool host_network::make() {
  if (hosts_ > 60) {
    why_ = "at most 60 hosts fit one /24";
    return false;
  }
  const auto pid = std::to_string(getpid());
  for (int i = 0; i < hosts_; ++i) {
    const auto ns = name(i);
    // Interface names hold at most 15 characters.
    const auto outside = "po" + pid + "x" + std::to_string(i);
    const auto inside = "pi" + pid + "x" + std::to_string(i);
    if (why_ = ip({"netns", "add", ns}); !why_.empty()) {
      return false;
    }
    made_.push_back(ns);
    for (const auto& step : std::vector<std::vector<std::string>>{
             {"link", "add", outside, "type", "veth", "peer", "name", inside, "netns", ns},
             {"addr", "add", in_block(4 * i + 1) + "/30", "dev", outside},
             {"link", "set", outside, "up"},
             {"-n", ns, "addr", "add", in_block(4 * i + 2) + "/30", "dev", inside},
             {"-n", ns, "link", "set", inside, "up"},
             {"-n", ns, "link", "set", "lo", "up"}}) {
      if (why_ = ip(step); !why_.empty()) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace parley::test
