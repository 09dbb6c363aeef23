#pragma once

#include <string>
#include <vector>

namespace parley::test {

/// Separate hosts on one machine: each a Linux network namespace of its own (`ip netns add`),
/// joined to the test's namespace by a veth pair on a /30 of its own. A program run in host i
/// reaches the test's namespace at gateway(i) only (databases and Redis listen there), and the
/// test reaches it at address(i); hosts share no address and no loopback.
///
/// Where namespaces cannot be made (no CAP_NET_ADMIN, no iproute2), available() is false, why()
/// says why, and every host is plain loopback: callers run the same test there and say so.
class host_network {
 public:
  explicit host_network(int hosts);
  host_network(const host_network&) = delete;
  host_network& operator=(const host_network&) = delete;
  /// Deletes the namespaces (and with them the veth pairs).
  ~host_network();

  bool available() const { return available_; }
  const std::string& why() const { return why_; }
  int size() const { return hosts_; }

  /// Where the test reaches host i ("127.0.0.1" without namespaces).
  std::string address(int i) const;
  /// Where host i reaches the test's namespace ("127.0.0.1" without namespaces).
  std::string gateway(int i) const;
  /// Every gateway address: what a server in the test's namespace listens on besides loopback.
  std::vector<std::string> gateways() const;

  /// The program and arguments that run `program args...` inside host i (unchanged without
  /// namespaces): for server_process and run_to_exit.
  std::string program(const std::string& program) const;
  std::vector<std::string> args(int i, const std::string& program,
                                std::vector<std::string> args) const;

 private:
  std::string name(int i) const;
  std::string in_block(int last_octet) const;
  bool claim_block();
  bool make();

  int hosts_;
  int block_ = 0;        ///< the third octet: one /24 per test process
  int block_lock_ = -1;  ///< the flock'ed file that reserves it
  bool available_ = false;
  std::string why_;
  std::vector<std::string> made_;
};

}  // namespace parley::test
