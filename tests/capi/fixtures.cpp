#include "fixtures.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "inlay/inlay.h"

namespace inlay_test {
namespace {

// Where Keras has no validation of its own, inlay's placeholder still carries a TensorFlow spec, so
// TensorFlow's verdict on that spec (recorded as spec_error) is the reference.
json expected_for(const json& reference) {
  if (reference.value("ok", false) && reference.contains("spec_error") && !reference["spec_error"].is_null()) {
    return {{"ok", false}, {"error_type", reference["spec_error"]["error_type"]},
            {"message", reference["spec_error"]["message"]}};
  }
  return reference;
}

json without_name(json spec) {
  if (spec.is_object()) spec.erase("name");
  return spec;
}

void expect_equal(std::vector<std::string>& out, const std::string& where, const char* field, const json& expected,
                  const json& actual) {
  if (expected != actual) {
    out.push_back(where + " " + field + ": expected " + expected.dump() + ", got " + actual.dump());
  }
}

}  // namespace

json load_fixture(const std::string& file_name) {
  const std::string path = std::string(INLAY_FIXTURES_DIR) + "/" + file_name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  return json::parse(in);
}

std::vector<std::string> check_case(Frontend& frontend, const json& c) {
  std::vector<std::string> mismatches;
  const std::string follow = c.at("follow");
  const json& references = c.at(follow);
  // tf.keras names things its own way ("input_1"); its cases compare everything but names and configs.
  const bool compare_names = follow == "keras3";
  frontend.new_graph();
  std::vector<Outcome> outcomes;
  for (std::size_t i = 0; i < c.at("steps").size(); ++i) {
    const json& step = c["steps"][i];
    const json expected = expected_for(references.at(i));
    const std::string where = c.at("id").get<std::string>() + " step " + std::to_string(i) + " (" + follow + ")";
    Outcome outcome;
    if (step.contains("tensor_from")) {
      const Outcome& source = outcomes.at(step["tensor_from"].get<std::size_t>());
      if (!source.ok) {
        // Keras skipped this step because its tensor source failed; so do we.
        expect_equal(mismatches, where, "error_type", expected.value("error_type", ""), "Skipped");
        outcomes.push_back(outcome);
        continue;
      }
      outcome = frontend.run(step, source.tensor_id);
    } else {
      outcome = frontend.run(step, -1);
    }
    expect_equal(mismatches, where, "ok", expected.at("ok"), outcome.ok);
    if (!expected.at("ok").get<bool>()) {
      if (!outcome.ok) {
        expect_equal(mismatches, where, "message", expected.at("message"), outcome.message);
        expect_equal(mismatches, where, "status", INLAY_INVALID_ARGUMENT, outcome.status);
      }
    } else if (outcome.ok) {
      expect_equal(mismatches, where, "shape", expected.at("shape"), outcome.shape);
      expect_equal(mismatches, where, "dtype", expected.at("dtype"), outcome.dtype);
      expect_equal(mismatches, where, "sparse", expected.at("sparse"), outcome.sparse);
      expect_equal(mismatches, where, "ragged", expected.at("ragged"), outcome.ragged);
      expect_equal(mismatches, where, "layer_class", expected.at("layer_class"), outcome.layer_class);
      if (compare_names) {
        expect_equal(mismatches, where, "tensor_name", expected.at("tensor_name"), outcome.tensor_name);
        expect_equal(mismatches, where, "layer_name", expected.at("layer_name"), outcome.layer_name);
        expect_equal(mismatches, where, "history_layer", expected.at("history_layer"), outcome.history_layer);
        expect_equal(mismatches, where, "config", expected.at("config"), outcome.config);
        expect_equal(mismatches, where, "spec", expected.at("spec"), outcome.spec);
      } else {
        expect_equal(mismatches, where, "spec", without_name(expected.at("spec")), without_name(outcome.spec));
      }
    } else {
      mismatches.push_back(where + " failed: " + outcome.message);
    }
    outcomes.push_back(outcome);
  }
  return mismatches;
}

}  // namespace inlay_test
