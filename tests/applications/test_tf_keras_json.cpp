// tf.keras JSON + weights: every folder of tests/fixtures/applications/ with a tf_keras.json (tf_keras 2's
// model.to_json() of the model, see tools/realmodels/make_app_models.py) is built with
// inlay::model::from_json(), given the weights of the same model's tf_keras .h5 file (model.h5, loaded by
// inlay) weight by weight after checking that both list the same weights, and must predict tf_keras's outputs
// (expected_tf_keras_b<batch>.npy) within 1e-4 + 1e-4 * |ref|, at batch 1 and 3.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "inlay/inlay.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> json_model_dirs() {
  std::vector<fs::path> dirs;
  const fs::path root = fs::path(INLAY_FIXTURES_DIR) / "applications";
  if (!fs::is_directory(root)) return dirs;
  for (const auto& entry : fs::directory_iterator(root))
    if (fs::exists(entry.path() / "tf_keras.json")) dirs.push_back(entry.path());
  return dirs;
}

// The weights of `from` copied into `to`, index by index: same count, names and shapes are checked first.
void copy_weights(const inlay::model& from, inlay::model& to) {
  ASSERT_EQ(from.weight_count(), to.weight_count());
  for (size_t i = 0; i < from.weight_count(); ++i) {
    ASSERT_EQ(from.weight(i).name, to.weight(i).name) << "weight " << i;
    ASSERT_EQ(from.weight(i).shape, to.weight(i).shape) << from.weight(i).name;
    to.set_weight(i, from.get_weight(i));
  }
}

void expect_close(const inlay::array& got, const inlay::array& want, const std::string& what) {
  ASSERT_EQ(got.dims(), want.dims()) << what;
  const auto* g = static_cast<const float*>(got.data());
  const auto* w = static_cast<const float*>(want.data());
  double max_diff = 0;
  for (size_t i = 0; i < want.element_count(); ++i) {
    const double diff = std::fabs(double(g[i]) - double(w[i]));
    max_diff = std::max(max_diff, diff);
    ASSERT_LE(diff, 1e-4 + 1e-4 * std::fabs(double(w[i]))) << what << " element " << i;
  }
  std::cout << what << ": max |difference| " << max_diff << "\n";
}

}  // namespace

TEST(TfKerasJson, FixturesExist) { EXPECT_FALSE(json_model_dirs().empty()); }

TEST(TfKerasJson, FromJsonWithH5WeightsPredictsAsTfKeras) {
  for (const fs::path& dir : json_model_dirs()) {
    SCOPED_TRACE(dir.filename().string());
    inlay::model model = inlay::model::from_json(read_text(dir / "tf_keras.json"));
    const inlay::model h5 = inlay::model::load((dir / "model.h5").string());
    copy_weights(h5, model);
    for (int batch : {1, 3}) {
      const std::string b = "_b" + std::to_string(batch) + ".npy";
      const inlay::array x = inlay::array::load_npy((dir / ("input" + b)).string());
      const inlay::array want = inlay::array::load_npy((dir / ("expected_tf_keras" + b)).string());
      const std::vector<inlay::array> got = model.predict({&x});
      ASSERT_EQ(got.size(), 1u);
      expect_close(got[0], want, dir.filename().string() + " batch " + std::to_string(batch));
    }
  }
}
