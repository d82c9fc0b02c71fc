// Which nodes the fusion pass folds into which (runtime/fusion_pass.hpp), for given graphs. That the fused
// plans compute Keras's numbers is the predict fixtures' job (test_predict_fixtures.cpp); this says what fuses.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "graph/input.hpp"
#include "graph/model.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/registry.hpp"
#include "runtime/fusion_pass.hpp"
#include "util/error.hpp"

namespace inlay::runtime {
namespace {

using core::Activation;
using core::Graph;
using core::Json;
using core::KerasTensor;
using core::Layer;

// Builds a functional model layer by layer and answers questions about the fusion plan of it.
class FusionPassTest : public ::testing::Test {
 protected:
  KerasTensor* input(const std::string& shape) {
    return &core::Input(*g_, Json::parse(R"({"shape":)" + shape + "}"));
  }
  KerasTensor* apply(const std::string& class_name, const std::string& config, std::vector<KerasTensor*> inputs) {
    Layer& layer = core::create_layer(*g_, class_name, Json::parse(config));
    return layer.call(inputs).front();
  }
  const FusionPlan& plan(std::vector<KerasTensor*> inputs, std::vector<KerasTensor*> outputs) {
    model_ = core::Model::functional(g_, std::move(inputs), std::move(outputs), Json());
    plan_ = plan_fusions(*model_);
    return plan_;
  }
  // The node that made t.
  static const core::Node& node_of(const KerasTensor* t) {
    const auto& h = t->history();
    return h.layer->inbound_nodes()[static_cast<std::size_t>(h.node_index)];
  }
  bool folded(const KerasTensor* t) const { return plan_.is_folded(node_of(t)); }

  std::shared_ptr<Graph> g_ = std::make_shared<Graph>();
  std::unique_ptr<core::Model> model_;
  FusionPlan plan_;
};

TEST_F(FusionPassTest, ConvBatchNormActivationDropoutFoldIntoTheConv) {
  KerasTensor* x = input("[8, 8, 3]");
  KerasTensor* c = apply("Conv2D", R"({"filters":4,"kernel_size":3})", {x});
  KerasTensor* bn = apply("BatchNormalization", "{}", {c});
  KerasTensor* r = apply("Activation", R"({"activation":"relu"})", {bn});
  KerasTensor* d = apply("Dropout", R"({"rate":0.5})", {r});
  KerasTensor* y = apply("Flatten", "{}", {d});
  plan({x}, {y});
  const Fusion f = plan_.of(node_of(c));
  ASSERT_NE(f.batch_norm, nullptr);
  EXPECT_EQ(f.activations, std::vector<Activation>{Activation::Relu});
  EXPECT_EQ(f.output, d);
  EXPECT_TRUE(folded(bn) && folded(r) && folded(d));
  EXPECT_FALSE(folded(c) || folded(y));
}

TEST_F(FusionPassTest, BatchNormAfterAnActivationDoesNotFold) {
  KerasTensor* x = input("[8, 8, 3]");
  KerasTensor* c = apply("Conv2D", R"({"filters":4,"kernel_size":3,"activation":"relu"})", {x});
  KerasTensor* bn = apply("BatchNormalization", "{}", {c});
  plan({x}, {bn});
  EXPECT_EQ(plan_.of(node_of(c)).batch_norm, nullptr);
  EXPECT_FALSE(folded(bn));

  KerasTensor* x2 = input("[8, 8, 3]");
  KerasTensor* c2 = apply("Conv2D", R"({"filters":4,"kernel_size":3})", {x2});
  KerasTensor* r2 = apply("Activation", R"({"activation":"relu6"})", {c2});
  KerasTensor* bn2 = apply("BatchNormalization", "{}", {r2});
  plan({x2}, {bn2});
  const Fusion f = plan_.of(node_of(c2));
  EXPECT_EQ(f.batch_norm, nullptr);
  EXPECT_EQ(f.activations, std::vector<Activation>{Activation::Relu6});
  EXPECT_TRUE(folded(r2));
  EXPECT_FALSE(folded(bn2));
}

TEST_F(FusionPassTest, BatchNormOverAnotherAxisDoesNotFold) {
  KerasTensor* x = input("[8, 8, 3]");
  KerasTensor* c = apply("Conv2D", R"({"filters":4,"kernel_size":3})", {x});
  KerasTensor* bn = apply("BatchNormalization", R"({"axis":1})", {c});
  plan({x}, {bn});
  EXPECT_EQ(plan_.of(node_of(c)).batch_norm, nullptr);
  EXPECT_FALSE(folded(bn));
}

TEST_F(FusionPassTest, ATensorReadTwiceOrReturnedIsNotFoldedAway) {
  KerasTensor* x = input("[6]");
  KerasTensor* h = apply("Dense", R"({"units":4})", {x});
  KerasTensor* a = apply("Activation", R"({"activation":"relu"})", {h});
  KerasTensor* b = apply("Activation", R"({"activation":"tanh"})", {h});
  plan({x}, {a, b});
  EXPECT_TRUE(plan_.of(node_of(h)).activations.empty());
  EXPECT_FALSE(folded(a) || folded(b));

  // h is a model output itself: the activation after it runs on its own.
  KerasTensor* x2 = input("[6]");
  KerasTensor* h2 = apply("Dense", R"({"units":4})", {x2});
  KerasTensor* a2 = apply("Activation", R"({"activation":"relu"})", {h2});
  plan({x2}, {h2, a2});
  EXPECT_FALSE(folded(a2));
  // The folded chain may end in a model output: only tensors inside the chain must not be needed.
  KerasTensor* x3 = input("[6]");
  KerasTensor* h3 = apply("Dense", R"({"units":4})", {x3});
  KerasTensor* a3 = apply("Activation", R"({"activation":"sigmoid"})", {h3});
  plan({x3}, {a3});
  EXPECT_TRUE(folded(a3));
  EXPECT_EQ(plan_.of(node_of(h3)).output, a3);
}

TEST_F(FusionPassTest, NoPostOpAfterAnActivationOneDnnCannotFuse) {
  KerasTensor* x = input("[6]");
  KerasTensor* h = apply("Dense", R"({"units":4,"activation":"softmax"})", {x});
  KerasTensor* a = apply("Activation", R"({"activation":"relu"})", {h});
  KerasTensor* x2 = input("[6]");
  KerasTensor* h2 = apply("Dense", R"({"units":4})", {x2});
  KerasTensor* s2 = apply("Activation", R"({"activation":"softmax"})", {h2});
  KerasTensor* r2 = apply("Activation", R"({"activation":"relu"})", {s2});
  plan({x, x2}, {a, r2});
  EXPECT_FALSE(folded(a));
  EXPECT_FALSE(folded(s2) || folded(r2));
}

TEST_F(FusionPassTest, ZeroPaddingFoldsIntoTheConvThatAloneReadsIt) {
  KerasTensor* x = input("[8, 8, 3]");
  KerasTensor* p = apply("ZeroPadding2D", R"({"padding":[[1,2],[3,0]]})", {x});
  KerasTensor* c = apply("Conv2D", R"({"filters":4,"kernel_size":3,"strides":2})", {p});
  plan({x}, {c});
  const Fusion f = plan_.of(node_of(c));
  EXPECT_TRUE(folded(p));
  EXPECT_EQ(f.unpadded_input, x);
  EXPECT_EQ(f.input_padding, (std::vector<std::pair<int64_t, int64_t>>{{1, 2}, {3, 0}}));
}

TEST_F(FusionPassTest, ZeroPaddingReadTwiceOrOfAnotherFormatStays) {
  KerasTensor* x = input("[8, 8, 3]");
  KerasTensor* p = apply("ZeroPadding2D", R"({"padding":1})", {x});
  KerasTensor* c1 = apply("Conv2D", R"({"filters":4,"kernel_size":3})", {p});
  KerasTensor* c2 = apply("Conv2D", R"({"filters":4,"kernel_size":3})", {p});
  plan({x}, {c1, c2});
  EXPECT_FALSE(folded(p));
  EXPECT_EQ(plan_.of(node_of(c1)).unpadded_input, nullptr);

  KerasTensor* x2 = input("[3, 8, 8]");
  KerasTensor* p2 = apply("ZeroPadding2D", R"({"padding":1,"data_format":"channels_first"})", {x2});
  KerasTensor* c3 = apply("Conv2D", R"({"filters":4,"kernel_size":3})", {p2});
  plan({x2}, {c3});
  EXPECT_FALSE(folded(p2));
}

TEST_F(FusionPassTest, FlattenHandsItsInputToTheDenseThatAloneReadsIt) {
  KerasTensor* x = input("[4, 4, 2]");
  KerasTensor* f = apply("Flatten", "{}", {x});
  KerasTensor* d = apply("Dense", R"({"units":3})", {f});
  plan({x}, {d});
  ASSERT_EQ(plan_.flatten_into_dense.count(&node_of(f)), 1u);
  EXPECT_EQ(plan_.flatten_into_dense.at(&node_of(f)), &node_of(d));

  KerasTensor* x2 = input("[4, 4, 2]");
  KerasTensor* f2 = apply("Flatten", "{}", {x2});
  KerasTensor* d2 = apply("Dense", R"({"units":3})", {f2});
  plan({x2}, {d2, f2});  // the flattened tensor is needed as an output
  EXPECT_EQ(plan_.flatten_into_dense.count(&node_of(f2)), 0u);
}

// glu halves the last axis while Keras's symbolic shape keeps it whole. Keras 3.15.1's predict (checked with
// the real Keras) returns the halved tensor as a model output, also through an Activation, and fails wherever a
// layer with shape expectations reads it (Dense: "expected axis -1 of input shape to have value 4, but received
// input with shape (2, 2)"; Flatten -> Dense likewise). The pass refuses the latter before any lowering.
std::string glu_refusal(const std::function<void()>& build) {
  try {
    build();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), core::Status::ShapeMismatch);
    return e.what();
  }
  return "not refused";
}

TEST_F(FusionPassTest, GluOutputReadByALayerWithShapeExpectationsIsRefused) {
  KerasTensor* x = input("[6]");
  KerasTensor* gate = apply("Dense", R"({"units":4,"activation":"glu","name":"gate"})", {x});
  KerasTensor* head = apply("Dense", R"({"units":3,"name":"head"})", {gate});
  EXPECT_EQ(glu_refusal([&] { plan({x}, {head}); }),
            "Layer 'head' reads the output of layer 'gate', whose activation 'glu' halves the last axis: it holds "
            "(None, 2) where Keras's symbolic shape is (None, 4) (Keras's predict fails on this model too)");

  KerasTensor* x2 = input("[6]");
  KerasTensor* act = apply("Activation", R"({"activation":"glu","name":"act"})", {x2});
  KerasTensor* relu = apply("Activation", R"({"activation":"relu"})", {act});
  KerasTensor* head2 = apply("Dense", R"({"units":3,"name":"head2"})", {relu});
  EXPECT_EQ(glu_refusal([&] { plan({x2}, {head2}); }),
            "Layer 'head2' reads the output of layer 'act', whose activation 'glu' halves the last axis: it holds "
            "(None, 3) where Keras's symbolic shape is (None, 6) (Keras's predict fails on this model too)");

  KerasTensor* x3 = input("[5, 5, 3]");
  KerasTensor* conv = apply("Conv2D", R"({"filters":4,"kernel_size":3,"activation":"glu","name":"conv"})", {x3});
  KerasTensor* flat = apply("Flatten", R"({"name":"flat"})", {conv});
  KerasTensor* head3 = apply("Dense", R"({"units":2})", {flat});
  EXPECT_EQ(glu_refusal([&] { plan({x3}, {head3}); }),
            "Layer 'flat' reads the output of layer 'conv', whose activation 'glu' halves the last axis: it holds "
            "(None, 3, 3, 2) where Keras's symbolic shape is (None, 3, 3, 4) (Keras's predict fails on this model "
            "too)");

  KerasTensor* x4 = input("[6]");
  KerasTensor* gate4 = apply("Dense", R"({"units":4,"activation":"glu","name":"gate4"})", {x4});
  KerasTensor* other = apply("Dense", R"({"units":4})", {x4});
  KerasTensor* sum = apply("Add", R"({"name":"sum"})", {gate4, other});
  EXPECT_NE(glu_refusal([&] { plan({x4}, {sum}); }).find("Layer 'sum' reads the output of layer 'gate4'"),
            std::string::npos);
}

TEST_F(FusionPassTest, GluOutputReturnedOrPassedThroughActivationsIsPlanned) {
  // What Keras's predict returns: (2, 2) for Dense(4, glu), through relu / Dropout too; (2, 3, 3, 2) for a Conv.
  KerasTensor* x = input("[6]");
  KerasTensor* gate = apply("Dense", R"({"units":4,"activation":"glu"})", {x});
  KerasTensor* relu = apply("Activation", R"({"activation":"relu"})", {gate});
  KerasTensor* drop = apply("Dropout", R"({"rate":0.5})", {relu});
  EXPECT_NO_THROW(plan({x}, {gate, drop}));
  KerasTensor* x2 = input("[5, 5, 3]");
  KerasTensor* conv = apply("Conv2D", R"({"filters":4,"kernel_size":3,"activation":"glu"})", {x2});
  EXPECT_NO_THROW(plan({x2}, {conv}));
  // An odd axis is left to glu's own lowering, which raises Keras's "axis size must be divisible by 2".
  KerasTensor* x3 = input("[6]");
  KerasTensor* odd = apply("Dense", R"({"units":5,"activation":"glu"})", {x3});
  KerasTensor* head = apply("Dense", R"({"units":3})", {odd});
  EXPECT_NO_THROW(plan({x3}, {head}));
}

}  // namespace
}  // namespace inlay::runtime
