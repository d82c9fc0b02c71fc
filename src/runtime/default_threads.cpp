#include "runtime/default_threads.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/logging.hpp"

namespace inlay::runtime {

namespace {

// The first `limit` bytes of a small kernel file (cgroup and proc files are a few bytes; a hostile or odd
// mount cannot make this read much).
std::string read_small_file(const std::string& path, std::size_t limit = 4096) {
  std::ifstream in(path);
  if (!in) return {};
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::optional<double> positive_ratio(double quota, double period) {
  if (!(quota > 0) || !(period > 0)) return std::nullopt;
  return quota / period;
}

std::optional<double> tighter(std::optional<double> a, std::optional<double> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// The cgroup path of this process in hierarchy `controller` ("" for cgroup v2's unified one) from
// /proc/self/cgroup lines "ID:CONTROLLERS:PATH".
std::optional<std::string> cgroup_path(const std::string& proc_self_cgroup, const std::string& controller) {
  std::istringstream lines(proc_self_cgroup);
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find(':');
    const auto second = first == std::string::npos ? std::string::npos : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const bool match = controller.empty() ? controllers.empty()
                                          : ("," + controllers + ",").find("," + controller + ",") != std::string::npos;
    if (match) return line.substr(second + 1);
  }
  return std::nullopt;
}

// The tightest quota of `leaf` and its ancestors under `mount`, each read by `quota_of(dir)`.
template <typename QuotaOf>
std::optional<double> tightest_on_path(const std::string& mount, std::string leaf, QuotaOf&& quota_of) {
  std::optional<double> best = quota_of(mount);
  while (!leaf.empty() && leaf != "/") {
    best = tighter(best, quota_of(mount + leaf));
    const auto slash = leaf.find_last_of('/');
    leaf = slash == std::string::npos || slash == 0 ? "" : leaf.substr(0, slash);
  }
  return best;
}

}  // namespace

std::optional<double> parse_cpu_max(const std::string& text) {
  std::istringstream in(text);
  std::string quota;
  double period = 0;
  if (!(in >> quota >> period) || quota == "max") return std::nullopt;
  char* end = nullptr;
  const double q = std::strtod(quota.c_str(), &end);
  if (end == quota.c_str() || *end != '\0') return std::nullopt;
  return positive_ratio(q, period);
}

std::optional<double> parse_cfs_quota(const std::string& quota_us, const std::string& period_us) {
  char* end = nullptr;
  const double q = std::strtod(quota_us.c_str(), &end);
  if (end == quota_us.c_str()) return std::nullopt;
  const double p = std::strtod(period_us.c_str(), &end);
  if (end == period_us.c_str()) return std::nullopt;
  return positive_ratio(q, p);  // -1: no quota
}

int affinity_cpu_count() {
  // Room for 4096 CPUs; a larger machine's count past that does not matter here (threads cap at 4096).
  constexpr int kCpus = 4096;
  cpu_set_t* set = CPU_ALLOC(kCpus);
  if (set == nullptr) return 1;
  const std::size_t size = CPU_ALLOC_SIZE(kCpus);
  CPU_ZERO_S(size, set);
  int count = 0;
  if (sched_getaffinity(0, size, set) == 0) count = CPU_COUNT_S(size, set);
  CPU_FREE(set);
  return std::max(count, 1);
}

std::optional<double> cgroup_cpu_quota(const std::string& root) {
  const std::string self = read_small_file(root + "/proc/self/cgroup");
  std::optional<double> quota;
  if (auto v2 = cgroup_path(self, "")) {
    quota = tightest_on_path(root + "/sys/fs/cgroup", *v2, [](const std::string& dir) {
      return parse_cpu_max(read_small_file(dir + "/cpu.max"));
    });
  }
  if (auto v1 = cgroup_path(self, "cpu")) {
    for (const char* mount : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
      quota = tighter(quota, tightest_on_path(root + mount, *v1, [](const std::string& dir) {
                        return parse_cfs_quota(read_small_file(dir + "/cpu.cfs_quota_us"),
                                               read_small_file(dir + "/cpu.cfs_period_us"));
                      }));
    }
  }
  return quota;
}

ThreadDefault default_threads(int max_threads) {
  if (const char* env = std::getenv("INLAY_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0 && n <= max_threads) return {static_cast<int>(n), "INLAY_NUM_THREADS"};
    core::log().warn("INLAY_NUM_THREADS='{}' is not a count in 1..{}; ignored", env, max_threads);
  }
  // OpenMP's variable, read as OpenMP reads it (its first value: "4,2" is 4 at the outer level), here rather
  // than through omp_get_max_threads(), which also reflects omp_set_num_threads calls of the host program.
  if (const char* env = std::getenv("OMP_NUM_THREADS"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && (*end == '\0' || *end == ',') && n > 0) {
      return {static_cast<int>(std::min<long>(n, max_threads)), "OMP_NUM_THREADS"};
    }
    core::log().warn("OMP_NUM_THREADS='{}' is not a thread count; ignored", env);
  }
  const int cores = affinity_cpu_count();
  const std::optional<double> quota = cgroup_cpu_quota();
  if (quota && std::ceil(*quota) < cores) {
    return {std::clamp(static_cast<int>(std::ceil(*quota)), 1, max_threads), "cgroup CPU quota"};
  }
  return {std::clamp(cores, 1, max_threads), "affinity mask"};
}

}  // namespace inlay::runtime
