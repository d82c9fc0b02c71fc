// The default thread count (src/runtime/default_threads.hpp): the cgroup quota parsers on the kernel's own
// file formats, the walk over a cgroup and its ancestors on a fake filesystem root, and the order of the
// environment variables. What the machine itself says (affinity) is checked by the runtime tests.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <filesystem>
#include <fstream>

#include "runtime/default_threads.hpp"

namespace {

using inlay::runtime::cgroup_cpu_quota;
using inlay::runtime::default_threads;
using inlay::runtime::parse_cfs_quota;
using inlay::runtime::parse_cpu_max;
namespace fs = std::filesystem;

TEST(DefaultThreads, CgroupV2CpuMax) {
  EXPECT_FALSE(parse_cpu_max("max 100000\n"));
  EXPECT_DOUBLE_EQ(*parse_cpu_max("150000 100000\n"), 1.5);  // docker --cpus=1.5
  EXPECT_DOUBLE_EQ(*parse_cpu_max("400000 100000"), 4.0);
  EXPECT_FALSE(parse_cpu_max(""));
  EXPECT_FALSE(parse_cpu_max("0 100000"));
  EXPECT_FALSE(parse_cpu_max("12x 100000"));
  EXPECT_FALSE(parse_cpu_max("100000 0"));
}

TEST(DefaultThreads, CgroupV1CfsQuota) {
  EXPECT_FALSE(parse_cfs_quota("-1\n", "100000\n"));  // no quota
  EXPECT_DOUBLE_EQ(*parse_cfs_quota("50000\n", "100000\n"), 0.5);
  EXPECT_FALSE(parse_cfs_quota("", "100000"));
  EXPECT_FALSE(parse_cfs_quota("50000", ""));
}

class FakeRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("inlay_cgroup_" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& path, const std::string& text) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << text;
  }
  std::string root() const { return root_.string(); }
  fs::path root_;
};

TEST_F(FakeRoot, V2QuotaIsTheTightestOfTheCgroupAndItsAncestors) {
  write("proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
  write("sys/fs/cgroup/kubepods/cpu.max", "max 100000\n");
  write("sys/fs/cgroup/kubepods/pod1/cpu.max", "250000 100000\n");
  write("sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "max 100000\n");
  EXPECT_DOUBLE_EQ(*cgroup_cpu_quota(root()), 2.5);
}

TEST_F(FakeRoot, V2NamespacedRootHoldsTheQuota) {  // a container with its own cgroup namespace: "0::/"
  write("proc/self/cgroup", "0::/\n");
  write("sys/fs/cgroup/cpu.max", "100000 100000\n");
  EXPECT_DOUBLE_EQ(*cgroup_cpu_quota(root()), 1.0);
}

TEST_F(FakeRoot, V1CpuController) {
  write("proc/self/cgroup", "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n0::/\n");
  write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "300000\n");
  write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
  EXPECT_DOUBLE_EQ(*cgroup_cpu_quota(root()), 3.0);
}

TEST_F(FakeRoot, NoCgroupFilesMeansNoQuota) {
  EXPECT_FALSE(cgroup_cpu_quota(root()));
  write("proc/self/cgroup", "1:cpu:/\n0::/\n");
  write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
  write("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
  EXPECT_FALSE(cgroup_cpu_quota(root()));
}

// INLAY_NUM_THREADS first, then OMP_NUM_THREADS (its first value), each ignored when it is not a count.
TEST(DefaultThreads, EnvironmentOrder) {
  auto saved = [](const char* name) {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  const std::optional<std::string> inlay_env = saved("INLAY_NUM_THREADS"), omp_env = saved("OMP_NUM_THREADS");
  unsetenv("INLAY_NUM_THREADS");
  unsetenv("OMP_NUM_THREADS");
  const int machine = default_threads(4096).threads;
  setenv("OMP_NUM_THREADS", "3,2", 1);
  EXPECT_EQ(default_threads(4096).threads, 3);
  EXPECT_EQ(default_threads(4096).source, "OMP_NUM_THREADS");
  setenv("INLAY_NUM_THREADS", "5", 1);
  EXPECT_EQ(default_threads(4096).threads, 5);
  EXPECT_EQ(default_threads(4096).source, "INLAY_NUM_THREADS");
  setenv("INLAY_NUM_THREADS", "many", 1);
  EXPECT_EQ(default_threads(4096).threads, 3);
  setenv("OMP_NUM_THREADS", "0", 1);
  EXPECT_EQ(default_threads(4096).threads, machine);
  unsetenv("INLAY_NUM_THREADS");
  unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(default_threads(4096).threads, machine);
  EXPECT_GE(machine, 1);
  if (inlay_env) setenv("INLAY_NUM_THREADS", inlay_env->c_str(), 1);
  if (omp_env) setenv("OMP_NUM_THREADS", omp_env->c_str(), 1);
}

}  // namespace
