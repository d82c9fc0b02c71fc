// tf.keras JSON + weights of one sequence model folder (tools/realmodels/make_seq_models.py):
//   check_tf_keras_json MODEL_DIR [ATOL RTOL]
// builds the model with inlay::model::from_json(tf_keras.json), gives it the weights of the same model's tf_keras
// .h5 file (model.h5, loaded by inlay) weight by weight after checking that both list the same weights, and
// checks that it predicts tf_keras's outputs (expected_tf_keras[_<i>]_b<batch>.npy) on the folder's inputs
// (input[_<i>]_b<batch>.npy) within atol + rtol * |ref| (default 1e-4 + 1e-4 * |ref|) at batch 1 and 8.
// Prints PASS / FAIL lines; exit 0 when everything matches, 1 on a mismatch or error, 77 (CTest's skip code)
// when the folder has no tf_keras.json.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
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

// The files of one model input / output at one batch: <prefix>_b<batch>.npy for a single one,
// <prefix>_<i>_b<batch>.npy for several (make_app_models.py's npy_names).
std::vector<fs::path> npy_files(const fs::path& dir, const std::string& prefix, std::size_t count, int batch) {
  const std::string b = "_b" + std::to_string(batch) + ".npy";
  if (count == 1) return {dir / (prefix + b)};
  std::vector<fs::path> files;
  for (std::size_t i = 0; i < count; ++i) files.push_back(dir / (prefix + "_" + std::to_string(i) + b));
  return files;
}

// The weights of `from` copied into `to`, index by index, after checking count, names and shapes.
void copy_weights(const inlay::model& from, inlay::model& to) {
  if (from.weight_count() != to.weight_count()) {
    throw std::runtime_error("model.h5 has " + std::to_string(from.weight_count()) + " weights, tf_keras.json's model " +
                             std::to_string(to.weight_count()));
  }
  for (std::size_t i = 0; i < from.weight_count(); ++i) {
    if (from.weight(i).name != to.weight(i).name || from.weight(i).shape != to.weight(i).shape) {
      throw std::runtime_error("weight " + std::to_string(i) + " differs: " + from.weight(i).name + " in model.h5, " +
                               to.weight(i).name + " in tf_keras.json's model (or its shape)");
    }
    to.set_weight(i, from.get_weight(i));
  }
}

// numpy.allclose(got, want, atol, rtol), with the largest difference reported.
bool close(const inlay::array& got, const inlay::array& want, double atol, double rtol, const std::string& what) {
  if (got.dims() != want.dims()) {
    std::cout << "FAIL " << what << ": shape differs from tf_keras's\n";
    return false;
  }
  const auto* g = static_cast<const float*>(got.data());
  const auto* w = static_cast<const float*>(want.data());
  double max_diff = 0;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < want.element_count(); ++i) {
    const double diff = std::fabs(double(g[i]) - double(w[i]));
    if (!(diff <= atol + rtol * std::fabs(double(w[i])))) ++bad;
    max_diff = std::max(max_diff, std::isnan(diff) ? INFINITY : diff);
  }
  std::cout << (bad ? "FAIL " : "PASS ") << what << ": max |difference| " << max_diff;
  if (bad) std::cout << ", " << bad << " of " << want.element_count() << " values beyond atol + rtol * |ref|";
  std::cout << "\n";
  return bad == 0;
}

bool check(const fs::path& dir, double atol, double rtol) {
  inlay::model model = inlay::model::from_json(read_text(dir / "tf_keras.json"));
  const inlay::model h5 = inlay::model::load((dir / "model.h5").string());
  copy_weights(h5, model);
  bool ok = true;
  for (int batch : {1, 8}) {
    std::vector<inlay::array> xs;
    for (const fs::path& f : npy_files(dir, "input", model.input_count(), batch))
      xs.push_back(inlay::array::load_npy(f.string()));
    std::vector<const inlay::array*> ins;
    for (const inlay::array& x : xs) ins.push_back(&x);
    const std::vector<inlay::array> got = model.predict(ins);
    const std::vector<fs::path> want = npy_files(dir, "expected_tf_keras", model.output_count(), batch);
    for (std::size_t i = 0; i < got.size(); ++i) {
      const std::string what = dir.filename().string() + "/tf_keras.json + model.h5 weights, batch " +
                               std::to_string(batch) + ", output " + std::to_string(i);
      ok = close(got[i], inlay::array::load_npy(want[i].string()), atol, rtol, what) && ok;
    }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::cerr << "usage: check_tf_keras_json MODEL_DIR [ATOL RTOL]\n";
    return 2;
  }
  const fs::path dir = argv[1];
  if (!fs::exists(dir / "tf_keras.json")) {
    std::cout << dir.filename().string() << " has no tf_keras.json: skipped\n";
    return 77;
  }
  const double atol = argc == 4 ? std::atof(argv[2]) : 1e-4, rtol = argc == 4 ? std::atof(argv[3]) : 1e-4;
  try {
    return check(dir, atol, rtol) ? 0 : 1;
  } catch (const std::exception& e) {
    std::cout << "FAIL " << dir.filename().string() << "/tf_keras.json: " << e.what() << "\n";
    return 1;
  }
}
