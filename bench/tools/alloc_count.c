/* Counts heap allocations of the process it is preloaded into (LD_PRELOAD), for
 * bench/cycle_cost.sh: SIGUSR2 writes "allocations <n>" to standard error. Counting only; every
 * call goes on to glibc's own allocator. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void* __libc_memalign(size_t, size_t);

static atomic_ulong allocations;

static void count(void) {
  atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
}

void* malloc(size_t n) {
  count();
  return __libc_malloc(n);
}

void* calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t n) {
  count();
  return __libc_realloc(p, n);
}

void* aligned_alloc(size_t alignment, size_t n) {
  count();
  return __libc_memalign(alignment, n);
}

int posix_memalign(void** out, size_t alignment, size_t n) {
  count();
  void* p = __libc_memalign(alignment, n);
  if (!p) {
    return 12; /* ENOMEM */
  }
  *out = p;
  return 0;
}

static void report(int sig) {
  (void)sig;
  char line[64];
  const int n = snprintf(line, sizeof line, "allocations %lu\n",
                         atomic_load_explicit(&allocations, memory_order_relaxed));
  if (n > 0) {
    (void)write(2, line, (size_t)n);
  }
}

__attribute__((constructor)) static void install(void) {
  signal(SIGUSR2, report);
}
