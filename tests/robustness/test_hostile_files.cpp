// Model files that try to make inlay read outside the model, block, or allocate what the file cannot back,
// through the C ABI (the files are generated here: hostile_files.hpp). The same classes run under hard memory
// and time limits in hostile_files_under_limits.cpp; these check the exact outcomes in-process, and what is
// still allowed.
//
// Shard paths: every shard is opened one component at a time beneath model.json's directory with O_NOFOLLOW
// and O_NONBLOCK, and must be a regular file: symbolic links are refused wherever they point (a converter
// writes none), FIFOs and directories without blocking.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "hostile_files.hpp"
#include "inlay/inlay.h"
#include "inlay/inlay.hpp"

namespace {

namespace fs = std::filesystem;

struct Loaded {
  inlay_status status = INLAY_OK;
  std::string message;
  inlay_model* model = nullptr;
  ~Loaded() { inlay_model_free(model); }
};

void load_into(Loaded& out, const fs::path& path, const char* options = nullptr) {
  out.status = options == nullptr ? inlay_model_load(path.c_str(), &out.model)
                                  : inlay_model_load_with_options(path.c_str(), options, &out.model);
  if (out.status != INLAY_OK) out.message = inlay_last_error();
}

// A tiny TensorFlow.js model in root/model/ naming the shard `shard_entry`; returns its directory.
fs::path tiny_model(const fs::path& root, const std::string& shard_entry) {
  const fs::path dir = root / "model";
  fs::create_directories(dir);
  hostile::write_file(dir / "model.json", hostile::tiny_tfjs_model_json(shard_entry));
  return dir;
}

void expect_tiny_weights(inlay_model* m) {
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(inlay_model_weight_count(m), 2u);
  float kernel[2] = {0, 0};
  float bias[1] = {0};
  ASSERT_EQ(inlay_model_get_weight(m, 0, kernel, 2), INLAY_OK);
  ASSERT_EQ(inlay_model_get_weight(m, 1, bias, 1), INLAY_OK);
  EXPECT_EQ(kernel[0], 0.5f);
  EXPECT_EQ(kernel[1], -2.0f);
  EXPECT_EQ(bias[0], 0.25f);
}

#define EXPECT_LOAD_FAILS(loaded, expected_status, needle)                          \
  do {                                                                               \
    EXPECT_EQ((loaded).status, expected_status) << (loaded).message;                 \
    EXPECT_NE((loaded).message.find(needle), std::string::npos) << (loaded).message; \
    EXPECT_EQ((loaded).model, nullptr);                                              \
  } while (0)

TEST(ShardPaths, RegularShardNextToModelJsonLoads) {
  const hostile::TempDir tmp;
  const fs::path dir = tiny_model(tmp.path(), "w.bin");
  hostile::write_file(dir / "w.bin", hostile::tiny_tfjs_weights());
  Loaded loaded;
  load_into(loaded, dir);
  ASSERT_EQ(loaded.status, INLAY_OK) << loaded.message;
  expect_tiny_weights(loaded.model);
}

TEST(ShardPaths, ShardInASubdirectoryAndDotComponentsLoad) {
  const hostile::TempDir tmp;
  const fs::path dir = tiny_model(tmp.path(), "./weights/./w.bin");
  fs::create_directories(dir / "weights");
  hostile::write_file(dir / "weights" / "w.bin", hostile::tiny_tfjs_weights());
  Loaded loaded;
  load_into(loaded, dir / "model.json");
  ASSERT_EQ(loaded.status, INLAY_OK) << loaded.message;
  expect_tiny_weights(loaded.model);
}

TEST(ShardPaths, SymlinkToAFileOutsideTheDirectoryIsRefused) {
  // The target has the right size (12 bytes): before, its bytes became the weights.
  const hostile::TempDir tmp;
  const fs::path dir = tiny_model(tmp.path(), "w.bin");
  hostile::write_file(tmp.path() / "secret.bin", hostile::tiny_tfjs_weights());
  fs::create_symlink(tmp.path() / "secret.bin", dir / "w.bin");
  Loaded loaded;
  load_into(loaded, dir);
  EXPECT_LOAD_FAILS(loaded, INLAY_IO_ERROR, "cannot read the weight shard 'w.bin': 'w.bin' is a symbolic link");
}

TEST(ShardPaths, SymlinkStayingInsideTheDirectoryIsRefusedToo) {
  // A deliberate choice: links are refused wherever they point (see tfjs_file.cpp open_shard).
  const hostile::TempDir tmp;
  const fs::path dir = tiny_model(tmp.path(), "w.bin");
  hostile::write_file(dir / "real.bin", hostile::tiny_tfjs_weights());
  fs::create_symlink("real.bin", dir / "w.bin");
  Loaded loaded;
  load_into(loaded, dir);
  EXPECT_LOAD_FAILS(loaded, INLAY_IO_ERROR, "is a symbolic link");
}

TEST(ShardPaths, SymlinkedDirectoryOnTheWayIsRefused) {
  const hostile::TempDir tmp;
  const fs::path dir = tiny_model(tmp.path(), "sub/w.bin");
  fs::create_directories(tmp.path() / "elsewhere");
  hostile::write_file(tmp.path() / "elsewhere" / "w.bin", hostile::tiny_tfjs_weights());
  fs::create_directory_symlink(tmp.path() / "elsewhere", dir / "sub");
  Loaded loaded;
  load_into(loaded, dir);
  EXPECT_LOAD_FAILS(loaded, INLAY_IO_ERROR, "'sub' is a symbolic link");
}

TEST(ShardPaths, FifoShardIsRefusedWithoutBlocking) {
  const hostile::TempDir tmp;
  const fs::path dir = tiny_model(tmp.path(), "w.bin");
  hostile::make_fifo(dir / "w.bin");
  Loaded loaded;
  load_into(loaded, dir);
  EXPECT_LOAD_FAILS(loaded, INLAY_IO_ERROR, "cannot read the weight shard 'w.bin': it is a FIFO, not a regular file");
}

TEST(ShardPaths, DirectoryShardIsRefused) {
  const hostile::TempDir tmp;
  const fs::path dir = tiny_model(tmp.path(), "w.bin");
  fs::create_directory(dir / "w.bin");
  Loaded loaded;
  load_into(loaded, dir);
  EXPECT_LOAD_FAILS(loaded, INLAY_IO_ERROR, "it is a directory, not a regular file");
}

TEST(ShardPaths, MissingShardAndFileOnTheWayAreIoErrors) {
  const hostile::TempDir tmp;
  {
    const fs::path dir = tiny_model(tmp.path(), "w.bin");
    Loaded loaded;
    load_into(loaded, dir);
    EXPECT_LOAD_FAILS(loaded, INLAY_IO_ERROR, "cannot read the weight shard 'w.bin': No such file or directory");
  }
  {
    const fs::path dir = tiny_model(tmp.path(), "w.bin/part");
    hostile::write_file(dir / "w.bin", hostile::tiny_tfjs_weights());
    Loaded loaded;
    load_into(loaded, dir);
    EXPECT_LOAD_FAILS(loaded, INLAY_IO_ERROR, "'w.bin' is not a directory");
  }
}

TEST(ShardPaths, PathsLeavingTheDirectoryByTheirTextAreStillParseErrors) {
  const hostile::TempDir tmp;
  for (const std::string shard : {"../w.bin", "a/../../w.bin", "/etc/passwd"}) {
    const fs::path dir = tiny_model(tmp.path(), shard);
    Loaded loaded;
    load_into(loaded, dir);
    EXPECT_LOAD_FAILS(loaded, INLAY_PARSE_ERROR, "the shard path '" + shard + "'");
  }
}

TEST(ModelPaths, FifoModelJsonAndKerasPathAreRefusedWithoutBlocking) {
  const hostile::TempDir tmp;
  fs::create_directories(tmp.path() / "tfjs");
  hostile::make_fifo(tmp.path() / "tfjs" / "model.json");
  hostile::make_fifo(tmp.path() / "m.keras");
  for (const fs::path& path : {tmp.path() / "tfjs", tmp.path() / "tfjs" / "model.json", tmp.path() / "m.keras"}) {
    Loaded loaded;
    load_into(loaded, path, "{}");
    EXPECT_LOAD_FAILS(loaded, INLAY_IO_ERROR, "it is a FIFO, not a regular file");
  }
}

// Five Dense(16384) kernels without bias on 16384 features: 5 GiB of float32.
constexpr int kLayers = 5;
constexpr std::int64_t kUnits = 16384;
const std::string kHugeBytes = std::to_string(kLayers * kUnits * kUnits * 4);

TEST(WeightBudget, KerasFileDeclaringGigabytesOverEightBytesIsAParseError) {
  const hostile::TempDir tmp;
  const fs::path path = tmp.path() / "huge.keras";
  hostile::write_file(path, hostile::keras_archive(hostile::dense_stack_config(kLayers, kUnits),
                                                   std::string("\x89HDF\r\n\x1a\n", 8)));
  Loaded loaded;
  load_into(loaded, path);
  EXPECT_LOAD_FAILS(loaded, INLAY_PARSE_ERROR,
                    "declares weights of " + kHugeBytes + " bytes as float32, which model.weights.h5, of 8 bytes, "
                    "cannot hold");
  // A caller's limit below them: OUT_OF_MEMORY; above them: the budget passes and the (junk) weights file is
  // what fails, as a file error, not a memory error.
  Loaded capped;
  load_into(capped, path, R"({"max_weight_bytes": 4096})");
  EXPECT_LOAD_FAILS(capped, INLAY_OUT_OF_MEMORY, "limit of 4096 bytes (max_weight_bytes)");
  Loaded trusted;
  load_into(trusted, path, R"({"max_weight_bytes": 10000000000})");
  EXPECT_NE(trusted.status, INLAY_OK);
  EXPECT_NE(trusted.status, INLAY_OUT_OF_MEMORY) << trusted.message;
  EXPECT_NE(trusted.message.find("model.weights.h5"), std::string::npos) << trusted.message;
}

TEST(WeightBudget, TfjsShardsAreSizedBeforeAnythingIsAllocated) {
  // The manifest lists 5 GiB of weights; its one shard holds 20 bytes: refused from the shard's size alone.
  const hostile::TempDir tmp;
  hostile::write_file(tmp.path() / "model.json", hostile::dense_stack_tfjs(kLayers, kUnits, "w.bin"));
  hostile::write_file(tmp.path() / "w.bin", std::string(20, '\0'));
  Loaded loaded;
  load_into(loaded, tmp.path());
  EXPECT_LOAD_FAILS(loaded, INLAY_PARSE_ERROR,
                    "the shards of weightsManifest[0] hold 20 bytes, but its weights take " + kHugeBytes);
}

TEST(WeightBudget, TfjsCallerLimitCountsTheModelsWeights) {
  // The tiny model: 3 float32 = 12 bytes, its shard complete.
  const hostile::TempDir tmp;
  const fs::path dir = tiny_model(tmp.path(), "w.bin");
  hostile::write_file(dir / "w.bin", hostile::tiny_tfjs_weights());
  Loaded exact;
  load_into(exact, dir, R"({"max_weight_bytes": 12})");
  ASSERT_EQ(exact.status, INLAY_OK) << exact.message;
  expect_tiny_weights(exact.model);
  Loaded below;
  load_into(below, dir, R"({"max_weight_bytes": 11})");
  EXPECT_LOAD_FAILS(below, INLAY_OUT_OF_MEMORY, "the model's weights take 12 bytes as float32, more than this "
                                                 "load's limit of 11 bytes");
}

TEST(WeightBudget, ModelFromJsonOfGigabytesOfWeightsIsMadeWithoutTheirMemory) {
  // The caller asked for this model: it is made (weights zero, allocated only when set or read).
  inlay_model* m = nullptr;
  ASSERT_EQ(inlay_model_from_json(hostile::dense_stack_config(kLayers, kUnits).c_str(), &m), INLAY_OK)
      << inlay_last_error();
  ASSERT_EQ(inlay_model_weight_count(m), static_cast<size_t>(kLayers));
  const char* name = nullptr;
  int rank = 0;
  const int64_t* dims = nullptr;
  ASSERT_EQ(inlay_model_weight_info(m, 4, &name, &rank, &dims), INLAY_OK);
  ASSERT_NE(name, nullptr);
  EXPECT_TRUE(std::string(name).ends_with("d4/kernel")) << name;
  ASSERT_EQ(rank, 2);
  EXPECT_EQ(dims[0], kUnits);
  EXPECT_EQ(dims[1], kUnits);
  inlay_model_free(m);
}

TEST(WeightBudget, CallerLimitAtAFixtureModelsWeightsLoadsAndOneByteLessDoesNot) {
  // logistic_regression: Dense(16) on 32 features = 528 float32 = 2112 bytes.
  const fs::path path = fs::path(INLAY_FIXTURES_DIR) / "models" / "logistic_regression" / "model.keras";
  Loaded exact;
  load_into(exact, path, R"({"max_weight_bytes": 2112})");
  ASSERT_EQ(exact.status, INLAY_OK) << exact.message;
  EXPECT_EQ(inlay_model_weight_count(exact.model), 2u);
  Loaded below;
  load_into(below, path, R"({"max_weight_bytes": 2111})");
  EXPECT_LOAD_FAILS(below, INLAY_OUT_OF_MEMORY,
                    "the model's weights take 2112 bytes as float32, more than this load's limit of 2111 bytes");
}

TEST(WeightBudget, CppWrapperLoadTakesTheOptions) {
  const std::string path =
      (fs::path(INLAY_FIXTURES_DIR) / "models" / "logistic_regression" / "model.keras").string();
  EXPECT_EQ(inlay::model::load(path, R"({"max_weight_bytes": 2112})").weight_count(), 2u);
  try {
    inlay::model::load(path, R"({"max_weight_bytes": 2111})");
    ADD_FAILURE() << "loaded beyond max_weight_bytes";
  } catch (const inlay::error& e) {
    EXPECT_EQ(e.status(), INLAY_OUT_OF_MEMORY);
    EXPECT_NE(std::string(e.what()).find("limit of 2111 bytes"), std::string::npos) << e.what();
  }
  try {
    inlay::model::load(path, R"({"max_weight_byte": 1})");
    ADD_FAILURE() << "an unknown option was accepted";
  } catch (const inlay::error& e) {
    EXPECT_EQ(e.status(), INLAY_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("'max_weight_byte'"), std::string::npos) << e.what();
  }
}

}  // namespace
