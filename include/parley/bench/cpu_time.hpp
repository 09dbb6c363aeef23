#pragma once

#include <sys/types.h>
#include <optional>

namespace parley::bench {

/// CPU seconds (user + system) this process has used so far, all threads.
double own_cpu_seconds();

/// CPU seconds (user + system) process `pid` on this host has used so far, from
/// /proc/<pid>/stat; nothing when it cannot be read (another host, no such process).
std::optional<double> process_cpu_seconds(pid_t pid);

}  // namespace parley::bench
