// Each class of hostile model file from issue 15, loaded through the public C ABI in a child process that
// runs under hard limits: its address space capped (RLIMIT_AS) a few hundred MiB above what it starts with,
// CPU time capped (RLIMIT_CPU) and a wall-clock alarm. The attacks as first measured cost 2.6 to 5.3 GB or
// blocked forever; here each must end normally, with the expected status and a message naming the problem,
// and its resident memory may grow by at most kMaxRssGrowth.
//
// The files are generated here, in a temporary directory: .keras archives written byte by byte, JSON text,
// TensorFlow.js directories with links, FIFOs and directories where shards should be.
//
// Exit status: 0 all cases passed, 1 a case failed, 77 skipped (sanitizer builds: ASan and TSan reserve
// terabytes of address space for their shadow memory, so RLIMIT_AS cannot apply).
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "hostile_files.hpp"
#include "inlay/inlay.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define INLAY_TEST_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define INLAY_TEST_UNDER_SANITIZER 1
#endif
#endif

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
// Address space a child may add to what it starts with. The success path (inlay_model_from_json of five
// 1 GiB Dense kernels) needs about 1 GiB of it for a moment: building a layer asks malloc whether a weight
// of 1 GiB could exist, and frees it at once (untouched, so no memory is used). Every attack needs more:
// 5 GiB of weights, a 2.6 GB buffer, 1.5 GB of parsed JSON. Other cases get 512 MiB.
constexpr std::uint64_t kHeadroomForGiBWeights = 1280 * kMiB;
constexpr std::uint64_t kHeadroom = 512 * kMiB;
// Resident memory a child may gain (measured: under 20 MiB for every case; the attacks take gigabytes).
constexpr std::uint64_t kMaxRssGrowth = 256 * kMiB;
constexpr unsigned kWallSeconds = 60;
constexpr rlim_t kCpuSeconds = 30;

// The five 1 GiB kernels: Dense(16384) on 16384 features, no bias: 16384^2 float32 = 1 GiB each.
constexpr int kHugeLayers = 5;
constexpr std::int64_t kHugeUnits = 16384;

struct Case {
  std::string name;
  std::function<inlay_status()> load;  // runs in the child; a model it makes is freed by it
  inlay_status expected;
  std::string needle;  // inlay_last_error() holds it (failures), or nothing to check (success)
  std::uint64_t headroom = kHeadroom;
};

std::uint64_t proc_status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stoull(line.substr(prefix.size()));
  }
  return 0;
}

// The child: limits, the load, and "status\nrss_growth_bytes\nmessage" on the pipe.
[[noreturn]] void run_child(const Case& c, int out_fd) {
  // Peak RSS so far becomes the current RSS (Linux >= 4.0), so VmHWM measures this child alone.
  std::ofstream("/proc/self/clear_refs") << "5";
  const std::uint64_t rss_start = proc_status_kib("VmRSS") * 1024;
  const std::uint64_t vm_start = proc_status_kib("VmSize") * 1024;
  const rlimit as{vm_start + c.headroom, vm_start + c.headroom};
  const rlimit cpu{kCpuSeconds, kCpuSeconds + 1};
  if (setrlimit(RLIMIT_AS, &as) != 0 || setrlimit(RLIMIT_CPU, &cpu) != 0) _exit(3);
  alarm(kWallSeconds);
  const inlay_status status = c.load();
  const std::string message = status == INLAY_OK ? "" : inlay_last_error();
  const std::uint64_t peak = proc_status_kib("VmHWM") * 1024;
  const std::string report =
      std::to_string(static_cast<int>(status)) + "\n" + std::to_string(peak > rss_start ? peak - rss_start : 0) +
      "\n" + message;
  std::size_t done = 0;
  while (done < report.size()) {
    const ssize_t n = write(out_fd, report.data() + done, report.size() - done);
    if (n <= 0) _exit(4);
    done += static_cast<std::size_t>(n);
  }
  _exit(0);
}

bool run_case(const Case& c) {
  int fds[2];
  if (pipe(fds) != 0) {
    std::printf("FAILED %s: pipe: %s\n", c.name.c_str(), std::strerror(errno));
    return false;
  }
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) {
    std::printf("FAILED %s: fork: %s\n", c.name.c_str(), std::strerror(errno));
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
    run_child(c, fds[1]);
  }
  close(fds[1]);
  std::string report;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    report.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    std::printf("FAILED %s: the child was killed by signal %d (%s)%s\n", c.name.c_str(), sig, strsignal(sig),
                sig == SIGALRM || sig == SIGXCPU ? ": it hung or ran past its time limit" : "");
    return false;
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    std::printf("FAILED %s: the child exited with status %d\n", c.name.c_str(), WEXITSTATUS(wstatus));
    return false;
  }
  const std::size_t first = report.find('\n');
  const std::size_t second = report.find('\n', first + 1);
  if (first == std::string::npos || second == std::string::npos) {
    std::printf("FAILED %s: malformed report from the child: %s\n", c.name.c_str(), report.c_str());
    return false;
  }
  const auto status = static_cast<inlay_status>(std::stoi(report.substr(0, first)));
  const std::uint64_t growth = std::stoull(report.substr(first + 1, second - first - 1));
  const std::string message = report.substr(second + 1);
  bool ok = true;
  if (status != c.expected) {
    std::printf("FAILED %s: got %s, expected %s: %s\n", c.name.c_str(), inlay_status_name(status),
                inlay_status_name(c.expected), message.c_str());
    ok = false;
  } else if (!c.needle.empty() && message.find(c.needle) == std::string::npos) {
    std::printf("FAILED %s: the message does not hold \"%s\": %s\n", c.name.c_str(), c.needle.c_str(),
                message.c_str());
    ok = false;
  }
  if (growth > kMaxRssGrowth) {
    std::printf("FAILED %s: resident memory grew by %llu MiB, more than %llu MiB\n", c.name.c_str(),
                static_cast<unsigned long long>(growth / kMiB), static_cast<unsigned long long>(kMaxRssGrowth / kMiB));
    ok = false;
  }
  if (ok) {
    std::printf("ok %s: %s (RSS +%llu KiB, address space limit +%llu MiB)%s%s\n", c.name.c_str(),
                inlay_status_name(status), static_cast<unsigned long long>(growth / 1024),
                static_cast<unsigned long long>(c.headroom / kMiB), message.empty() ? "" : ": ",
                message.substr(0, 300).c_str());
  }
  return ok;
}

inlay_status load(const fs::path& path) {
  inlay_model* m = nullptr;
  const inlay_status status = inlay_model_load(path.c_str(), &m);
  inlay_model_free(m);
  return status;
}

inlay_status load_with_options(const fs::path& path, const char* options) {
  inlay_model* m = nullptr;
  const inlay_status status = inlay_model_load_with_options(path.c_str(), options, &m);
  inlay_model_free(m);
  return status;
}

// A tiny TensorFlow.js directory whose shard entry is made by `make_shard` (given the shard's path).
fs::path tiny_tfjs_dir(const fs::path& root, const std::string& name,
                       const std::function<void(const fs::path&)>& make_shard) {
  const fs::path dir = root / name;
  fs::create_directories(dir);
  hostile::write_file(dir / "model.json", hostile::tiny_tfjs_model_json("w.bin"));
  make_shard(dir / "w.bin");
  return dir;
}

std::vector<Case> make_cases(const fs::path& root) {
  std::vector<Case> cases;
  const std::string huge_config = hostile::dense_stack_config(kHugeLayers, kHugeUnits);
  // What the 5 x 1 GiB config declares, as the budget message prints it.
  const std::string huge_bytes = std::to_string(kHugeLayers * kHugeUnits * kHugeUnits * 4);

  // 1. A few hundred bytes of .keras declaring five 1 GiB kernels, with 8 bytes of weights file.
  const fs::path huge_keras = root / "huge.keras";
  hostile::write_file(huge_keras, hostile::keras_archive(huge_config, std::string("\x89HDF\r\n\x1a\n", 8)));
  std::printf("# %s: %llu bytes\n", huge_keras.c_str(), static_cast<unsigned long long>(fs::file_size(huge_keras)));
  cases.push_back({"keras_5x1GiB_kernels", [=] { return load(huge_keras); }, INLAY_PARSE_ERROR,
                   "declares weights of " + huge_bytes + " bytes", kHeadroomForGiBWeights});
  // ... and with a caller's limit below them: OUT_OF_MEMORY, still before anything is allocated.
  cases.push_back({"keras_5x1GiB_kernels_caller_limit",
                   [=] { return load_with_options(huge_keras, R"({"max_weight_bytes": 1000000})"); },
                   INLAY_OUT_OF_MEMORY, "limit of 1000000 bytes", kHeadroomForGiBWeights});

  // 2. The same as a TensorFlow.js model.json whose one shard holds 20 bytes (refused by the shard's size,
  // before anything is read).
  const fs::path huge_tfjs = root / "huge_tfjs";
  fs::create_directories(huge_tfjs);
  hostile::write_file(huge_tfjs / "model.json", hostile::dense_stack_tfjs(kHugeLayers, kHugeUnits, "w.bin"));
  hostile::write_file(huge_tfjs / "w.bin", std::string(20, '\0'));
  cases.push_back({"tfjs_5x1GiB_kernels", [=] { return load(huge_tfjs); }, INLAY_PARSE_ERROR,
                   "hold 20 bytes, but its weights take " + huge_bytes, kHeadroomForGiBWeights});

  // 3. The same config through inlay_model_from_json: the caller asked for that model, so it is made, but
  // its weights take no memory until they are set or the model runs.
  cases.push_back({"from_json_5x1GiB_kernels",
                   [=] {
                     inlay_model* m = nullptr;
                     inlay_status status = inlay_model_from_json(huge_config.c_str(), &m);
                     if (status == INLAY_OK && inlay_model_weight_count(m) != kHugeLayers) status = INLAY_INTERNAL_ERROR;
                     inlay_model_free(m);
                     return status;
                   },
                   INLAY_OK, "", kHeadroomForGiBWeights});

  // 4. A zip entry claiming 2.6 GB that holds 20 bytes (deflated): the model's weights file, behind a config
  // large enough that the claim passes the size checks made before reading.
  const fs::path lying_zip = root / "lying_entry.keras";
  hostile::write_file(lying_zip, hostile::zip_archive({hostile::stored("config.json", huge_config),
                                                       hostile::deflated("model.weights.h5", std::string(20, 'w'),
                                                                         2600000000u)}));
  cases.push_back({"zip_entry_claims_2.6GB_holds_20_bytes", [=] { return load(lying_zip); }, INLAY_PARSE_ERROR,
                   "model.weights.h5", kHeadroomForGiBWeights});

  // 5. config.json deflating ~60 MB of [{},{},...] (20 million values) into a few tens of KB.
  std::string values = "[{}";
  values.reserve(60 * kMiB);
  while (values.size() < 60 * kMiB) values += ",{}";
  values += "]";
  const fs::path json_bomb = root / "json_bomb.keras";
  hostile::write_file(json_bomb, hostile::zip_archive({hostile::deflated("config.json", values)}));
  std::printf("# %s: %llu bytes, config.json %zu bytes\n", json_bomb.c_str(),
              static_cast<unsigned long long>(fs::file_size(json_bomb)), values.size());
  cases.push_back({"config_json_60MB_of_empty_objects", [=] { return load(json_bomb); }, INLAY_PARSE_ERROR,
                   "JSON values"});

  // 6. A shard that is a link to a file outside the model's directory (of the right size: 12 bytes).
  hostile::write_file(root / "outside.bin", hostile::tiny_tfjs_weights());
  const fs::path link_out = tiny_tfjs_dir(root, "shard_link_outside", [&](const fs::path& shard) {
    fs::create_symlink(root / "outside.bin", shard);
  });
  cases.push_back({"tfjs_shard_symlink_outside", [=] { return load(link_out); }, INLAY_IO_ERROR, "symbolic link"});

  // 7. model.json that is a FIFO, named directly and through its directory.
  const fs::path fifo_dir = root / "model_json_fifo";
  fs::create_directories(fifo_dir);
  hostile::make_fifo(fifo_dir / "model.json");
  cases.push_back({"tfjs_model_json_fifo", [=] { return load(fifo_dir / "model.json"); }, INLAY_IO_ERROR, "FIFO"});
  cases.push_back({"tfjs_model_json_fifo_by_directory", [=] { return load(fifo_dir); }, INLAY_IO_ERROR, "FIFO"});

  // 8. A .keras path that is a FIFO.
  const fs::path keras_fifo = root / "fifo.keras";
  hostile::make_fifo(keras_fifo);
  cases.push_back({"keras_path_fifo", [=] { return load(keras_fifo); }, INLAY_IO_ERROR, "FIFO"});
  cases.push_back({"keras_path_fifo_with_options", [=] { return load_with_options(keras_fifo, "{}"); },
                   INLAY_IO_ERROR, "FIFO"});

  // 9. A shard that is a FIFO, and one that is a directory.
  const fs::path shard_fifo = tiny_tfjs_dir(root, "shard_fifo", [](const fs::path& p) { hostile::make_fifo(p); });
  cases.push_back({"tfjs_shard_fifo", [=] { return load(shard_fifo); }, INLAY_IO_ERROR, "FIFO"});
  const fs::path shard_dir = tiny_tfjs_dir(root, "shard_directory", [](const fs::path& p) { fs::create_directory(p); });
  cases.push_back({"tfjs_shard_directory", [=] { return load(shard_dir); }, INLAY_IO_ERROR, "a directory"});

  // The control: the same tiny model with its real shard loads under the same limits.
  const fs::path good = tiny_tfjs_dir(root, "good", [](const fs::path& p) {
    hostile::write_file(p, hostile::tiny_tfjs_weights());
  });
  cases.push_back({"tfjs_tiny_model_loads", [=] { return load(good); }, INLAY_OK, ""});
  return cases;
}

}  // namespace

int main() {
#ifdef INLAY_TEST_UNDER_SANITIZER
  std::printf("skipped: sanitizers reserve terabytes of address space, so RLIMIT_AS cannot apply\n");
  return 77;
#else
  const hostile::TempDir root;
  const std::vector<Case> cases = make_cases(root.path());
  int failed = 0;
  for (const Case& c : cases) failed += run_case(c) ? 0 : 1;
  std::printf("%zu cases, %d failed\n", cases.size(), failed);
  return failed == 0 ? 0 : 1;
#endif
}
