// The C++ wrapper (inlay.hpp): the same Keras fixtures through RAII handles and exceptions, plus the
// wrapper's own contract (error carries status and message, handles free themselves).
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "fixtures.hpp"
#include "inlay/inlay.hpp"

namespace inlay_test {
namespace {

json shape_json(const inlay::tensor& t) {
  if (t.rank() < 0) return nullptr;
  json out = json::array();
  for (int64_t d : t.shape()) out.push_back(d == INLAY_DIM_NONE ? json(nullptr) : json(d));
  return out;
}

class CppFrontend : public Frontend {
 public:
  void new_graph() override {
    graph_.emplace();
    tensors_.clear();
  }

  Outcome run(const json& step, int tensor) override {
    Outcome outcome;
    try {
      json kwargs = step.at("kwargs");
      std::optional<inlay::tensor> out;
      if (step.at("call") == "InputLayer" && tensor < 0) {
        if (step.contains("type_spec")) kwargs["type_spec"] = step["type_spec"];
        out = graph_->create_layer("InputLayer", kwargs.dump()).output();
      } else if (tensor >= 0 && step.contains("type_spec")) {
        out = graph_->input(kwargs.dump(), inlay::spec::from_json(step["type_spec"].dump()), tensors_.at(tensor));
      } else if (tensor >= 0) {
        out = graph_->input(kwargs.dump(), tensors_.at(tensor));
      } else if (step.contains("type_spec")) {
        out = graph_->input(kwargs.dump(), inlay::spec::from_json(step["type_spec"].dump()));
      } else {
        out = graph_->input(kwargs.dump());
      }
      outcome.ok = true;
      outcome.shape = shape_json(*out);
      outcome.dtype = inlay::dtype_name(out->dtype());
      outcome.sparse = out->sparse();
      outcome.ragged = out->ragged();
      outcome.tensor_name = out->name();
      outcome.spec = json::parse(out->spec().to_json());
      const inlay::layer layer = out->layer();
      outcome.layer_name = outcome.history_layer = layer.name();
      outcome.layer_class = layer.class_name();
      outcome.config = json::parse(layer.get_config());
      outcome.tensor_id = static_cast<int>(tensors_.size());
      tensors_.push_back(*out);
    } catch (const inlay::error& e) {
      outcome.status = e.status();
      outcome.message = e.what();
    }
    return outcome;
  }

 private:
  std::optional<inlay::graph> graph_;
  std::vector<inlay::tensor> tensors_;
};

TEST(CppWrapper, AllKerasInputFixtures) {
  CppFrontend frontend;
  std::size_t checked = 0;
  const json fixture = load_fixture("input_cases.json");
  for (const auto& c : fixture.at("cases")) {
    for (const auto& mismatch : check_case(frontend, c)) ADD_FAILURE() << mismatch;
    ++checked;
  }
  EXPECT_GE(checked, 80u);
}

TEST(CppWrapper, ErrorCarriesStatusAndKerasMessage) {
  inlay::graph g;
  try {
    g.input(R"({"shape":[3],"foo":1})");
    FAIL() << "expected inlay::error";
  } catch (const inlay::error& e) {
    EXPECT_EQ(e.status(), INLAY_INVALID_ARGUMENT);
    EXPECT_STREQ(e.what(), "Input() got an unexpected keyword argument 'foo'");
  }
  try {
    g.input("{not json");
    FAIL() << "expected inlay::error";
  } catch (const inlay::error& e) {
    EXPECT_EQ(e.status(), INLAY_PARSE_ERROR);
  }
}

TEST(CppWrapper, TensorsOutliveTheWrapperObjectThroughGraphCopies) {
  std::optional<inlay::tensor> kept;
  inlay::graph copy;
  {
    inlay::graph g;
    kept = g.input(R"({"shape":[28,28,1],"name":"img"})");
    copy = g;  // copies share the graph
  }
  EXPECT_EQ(kept->name(), "img");
  EXPECT_EQ(kept->shape(), (std::vector<int64_t>{INLAY_DIM_NONE, 28, 28, 1}));
  EXPECT_EQ(kept->layer().name(), "img");
}

TEST(CppWrapper, SpecMostSpecificCompatible) {
  const auto a = inlay::spec::from_json(R"({"kind":"tensor","shape":[2,3],"dtype":"float32"})");
  const auto b = inlay::spec::from_json(R"({"kind":"tensor","shape":[2,4],"dtype":"float32"})");
  EXPECT_FALSE(a.is_compatible_with(b));
  EXPECT_EQ(a.most_specific_compatible(b).dims(), (std::vector<int64_t>{2, INLAY_DIM_NONE}));
  const auto c = inlay::spec::from_json(R"({"kind":"tensor","shape":[2,3],"dtype":"int32"})");
  EXPECT_THROW(a.most_specific_compatible(c), inlay::error);
}

TEST(CppWrapper, VersionAndRuntime) {
  EXPECT_EQ(inlay::version(), std::to_string(INLAY_VERSION_MAJOR) + "." + std::to_string(INLAY_VERSION_MINOR) + "." +
                                  std::to_string(INLAY_VERSION_PATCH));
  const json runtime = json::parse(inlay::runtime_info());
  EXPECT_EQ(runtime.at("engine"), "cpu");
  EXPECT_EQ(runtime.at("onednn_version").get<std::string>().substr(0, 2), "2.");
  EXPECT_EQ(inlay::parse_dtype("int"), INLAY_INT64);
  EXPECT_THROW(inlay::parse_dtype("float"), inlay::error);
}

}  // namespace
}  // namespace inlay_test

namespace inlay_test {
namespace {

TEST(CppWrapper, ModelFromLayersJsonAndFile) {
  inlay::graph g;
  inlay::tensor x = g.input(R"({"shape":[32]})");
  inlay::layer dense = g.create_layer("Dense", R"({"units":16,"activation":"softmax"})");
  inlay_tensor* y = nullptr;
  size_t n = 0;
  inlay_tensor* in = x.get();
  ASSERT_EQ(inlay_layer_call(dense.get(), &in, 1, &y, 1, &n), INLAY_OK);
  const inlay::model m = inlay::model::functional(g, {x}, {inlay::tensor(y)}, "logreg");
  EXPECT_EQ(m.name(), "logreg");
  EXPECT_EQ(m.weight_count(), 2u);  // dense/kernel (32, 16), dense/bias (16,)
  const inlay::model again = inlay::model::from_json(m.to_json());
  EXPECT_EQ(again.to_json(), m.to_json());
  EXPECT_NE(again.summary().find("Total params: 528"), std::string::npos);  // 32*16 + 16
  EXPECT_THROW(inlay::model::load("/nonexistent/model.keras"), inlay::error);
}

}  // namespace
}  // namespace inlay_test
