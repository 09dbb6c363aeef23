#pragma once

#include <cstdio>
#include <cstdlib>

/// Stops the fuzz run when an invariant does not hold, so that libFuzzer saves the input as a
/// crash. Unlike assert() it stays on in the optimised builds the fuzzers are made with.
#define PARLEY_FUZZ_CHECK(condition)                                                         \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
