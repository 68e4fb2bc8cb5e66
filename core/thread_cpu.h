// ThreadCpuSeconds: the CPU time (user and system) the calling thread has
// used so far, for --stats: which of a run's threads carries it.
#pragma once

#include <sys/resource.h>

namespace defender {

inline double ThreadCpuSeconds() {
  rusage u{};
  if (getrusage(RUSAGE_THREAD, &u) != 0) return 0;
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace defender
