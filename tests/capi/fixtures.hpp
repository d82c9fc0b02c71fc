// Replays tests/fixtures/input_cases.json (recorded from the real Keras 3 and tf.keras by
// tools/fixtures/gen_input_fixtures.py) through a front end of inlay's public interface, and compares
// every recorded field and message. Two front ends use it: the C ABI and the C++ wrapper.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace inlay_test {

// Ordered: Keras dicts keep insertion order, and configs and messages are compared in that order.
using json = nlohmann::ordered_json;

json load_fixture(const std::string& file_name);

// What one Input()/InputLayer() step produced, read back through the front end under test.
struct Outcome {
  bool ok = false;
  int status = 0;       // inlay_status on failure
  std::string message;  // inlay_last_error() / inlay::error::what()
  json shape;           // list of int/null, or null for an unknown rank
  std::string dtype, tensor_name, layer_name, layer_class, history_layer;
  bool sparse = false, ragged = false;
  json config, spec;
  int tensor_id = -1;  // the front end's index of the output tensor, for later "tensor_from" steps
};

// A front end runs one case's steps in a fresh graph of its own.
class Frontend {
 public:
  virtual ~Frontend() = default;
  virtual void new_graph() = 0;
  // step: {"call": "Input"|"InputLayer", "kwargs": {...}, "type_spec": SPEC?}; tensor: an earlier Outcome's
  // tensor_id or -1.
  virtual Outcome run(const json& step, int tensor) = 0;
};

// Checks the case against its reference ("follow") and returns the mismatches, one line each.
std::vector<std::string> check_case(Frontend& frontend, const json& c);

}  // namespace inlay_test
