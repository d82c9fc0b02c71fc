// How many threads a model's predict calls use when nobody said: one story for the library, the C API
// (inlay_model_set_num_threads(m, 0)), the `inlay` tool and the docs. In order:
//   1. INLAY_NUM_THREADS, when it holds a count in 1..max_threads (else ignored, with a logged warning);
//   2. OMP_NUM_THREADS, when set (OpenMP's own reading of it: its first value);
//   3. the CPUs this process may run on: the cores of its affinity mask (taskset, cpusets), capped by its
//      cgroup's CPU quota rounded up (docker --cpus, Kubernetes CPU limits: cgroup v2 cpu.max or v1
//      cpu.cfs_quota_us / cpu.cfs_period_us, the tightest of the cgroup and its ancestors).
// A thread count above what the process may run on at once makes OpenMP's barriers wait on descheduled
// threads at every primitive (a predict has hundreds): never the default.
#pragma once

#include <optional>
#include <string>

namespace inlay::runtime {

struct ThreadDefault {
  int threads = 1;
  std::string source;  // why: "INLAY_NUM_THREADS", "OMP_NUM_THREADS", "affinity mask", "cgroup CPU quota"
};

ThreadDefault default_threads(int max_threads);

// The parts, for tests and `inlay info`-style reports.
int affinity_cpu_count();                                            // >= 1
std::optional<double> cgroup_cpu_quota(const std::string& root = "");  // CPUs; nullopt: no quota
// The quota of one cgroup v2 cpu.max text ("max 100000", "150000 100000") or v1 quota/period pair.
std::optional<double> parse_cpu_max(const std::string& text);
std::optional<double> parse_cfs_quota(const std::string& quota_us, const std::string& period_us);

}  // namespace inlay::runtime
