// model_summary at line lengths other than Keras's default, where rich shrinks the columns below the widths
// Keras asks for, wraps cells and crops them with "…". The fixtures (test_model_fixtures.cpp) cover the
// default widths.
#include <gtest/gtest.h>

#include <memory>

#include "graph/graph.hpp"
#include "graph/input.hpp"
#include "graph/model.hpp"
#include "graph/summary.hpp"
#include "layers/registry.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

// Recorded with Keras 3.15.1 (rich 15.0.0), COLUMNS=250:
//   a = keras.Input(shape=(4,)); b = keras.Input(shape=(4,)); d = layers.Dense(3)
//   keras.Model([a, b], [d(a), d(b)]).summary(print_fn=lambda t, **k: buf.write(t), line_length=60)
TEST(ModelSummary, ConnectedToColumnAtLineLength60) {
  auto g = std::make_shared<Graph>();
  KerasTensor* a = &Input(*g, Json::parse(R"({"shape":[4]})"));
  KerasTensor* b = &Input(*g, Json::parse(R"({"shape":[4]})"));
  Layer& dense = create_layer(*g, "Dense", Json::parse(R"({"units":3})"));
  KerasTensor* ya = dense.call({a}).front();
  KerasTensor* yb = dense.call({b}).front();
  const auto model = Model::functional(g, {a, b}, {ya, yb}, Json());
  EXPECT_EQ(model_summary(*model, 60),
            "Model: \"functional\"\n"
            "┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
            "┃ Layer (type)    ┃ Output Shape ┃ Param # ┃ Connected to  ┃\n"
            "┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
            "│ input_layer     │ (None, 4)    │       0 │ -             │\n"
            "│ (InputLayer)    │              │         │               │\n"
            "├─────────────────┼──────────────┼─────────┼───────────────┤\n"
            "│ input_layer_1   │ (None, 4)    │       0 │ -             │\n"
            "│ (InputLayer)    │              │         │               │\n"
            "├─────────────────┼──────────────┼─────────┼───────────────┤\n"
            "│ dense (Dense)   │ (None, 3)    │      15 │ input_layer[… │\n"
            "│                 │              │         │ input_layer_… │\n"
            "└─────────────────┴──────────────┴─────────┴───────────────┘\n"
            " Total params: 15 (60.00 B)\n"
            " Trainable params: 15 (60.00 B)\n"
            " Non-trainable params: 0 (0.00 B)\n");
}

// Recorded with Keras 3.15.1 (rich 15.0.0), COLUMNS=250:
//   x = keras.Input(shape=(1000,), name="features")
//   m = keras.Sequential([x, layers.Dense(1000, name="a_rather_long_layer_name"),
//                         layers.BatchNormalization(name="日本語のレイヤー名前"), layers.Dense(10, name="logits")],
//                        name="narrow")
//   m.summary(print_fn=..., line_length=40); m.summary(print_fn=..., line_length=20); m.summary(line_length=15)
class NarrowSequential : public ::testing::Test {
 protected:
  void SetUp() override {
    auto g = std::make_shared<Graph>();
    KerasTensor& x = Input(*g, Json::parse(R"({"shape":[1000],"name":"features"})"));
    std::vector<Layer*> stack = {x.history().layer,
                                 &create_layer(*g, "Dense", Json::parse(R"({"units":1000,"name":"a_rather_long_layer_name"})")),
                                 &create_layer(*g, "BatchNormalization", Json::parse(R"({"name":"日本語のレイヤー名前"})")),
                                 &create_layer(*g, "Dense", Json::parse(R"({"units":10,"name":"logits"})"))};
    model = Sequential::create(g, stack, "narrow");
  }
  std::unique_ptr<Sequential> model;
};

TEST_F(NarrowSequential, LineLength40WrapsAndCrops) {
  // Headers wrap bottom-aligned; numbers crop on the right; a wide character is never cut in half.
  EXPECT_EQ(model_summary(*model, 40),
            "Model: \"narrow\"\n"
            "┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┓\n"
            "┃                 ┃ Output     ┃ Param ┃\n"
            "┃ Layer (type)    ┃ Shape      ┃     # ┃\n"
            "┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━┩\n"
            "│ a_rather_long_… │ (None,     │ 1,00… │\n"
            "│ (Dense)         │ 1000)      │       │\n"
            "├─────────────────┼────────────┼───────┤\n"
            "│ 日本語のレイヤ… │ (None,     │ 4,000 │\n"
            "│ (BatchNormaliz… │ 1000)      │       │\n"
            "├─────────────────┼────────────┼───────┤\n"
            "│ logits (Dense)  │ (None, 10) │ 10,0… │\n"
            "└─────────────────┴────────────┴───────┘\n"
            " Total params: 1,015,010 (3.87 MB)\n"
            " Trainable params: 1,013,010 (3.86 MB)\n"
            " Non-trainable params: 2,000 (7.81 KB)\n");
}

TEST_F(NarrowSequential, LineLength20LeavesOneCellColumns) {
  // A double-width character cut by the crop becomes a space ("日本 …").
  EXPECT_EQ(model_summary(*model, 20),
            "Model: \"narrow\"\n"
            "┏━━━━━━━━┳━━━━━┳━━━┓\n"
            "┃ Layer  ┃ Ou… ┃ … ┃\n"
            "┃ (type) ┃ Sh… ┃ # ┃\n"
            "┡━━━━━━━━╇━━━━━╇━━━┩\n"
            "│ a_rat… │ (N… │ … │\n"
            "│ (Dens… │ 10… │   │\n"
            "├────────┼─────┼───┤\n"
            "│ 日本 … │ (N… │ … │\n"
            "│ (Batc… │ 10… │   │\n"
            "├────────┼─────┼───┤\n"
            "│ logits │ (N… │ … │\n"
            "│ (Dens… │ 10) │   │\n"
            "└────────┴─────┴───┘\n"
            " Total params: 1,015,010 (3.87 MB)\n"
            " Trainable params: 1,013,010 (3.86 MB)\n"
            " Non-trainable params: 2,000 (7.81 KB)\n");
}

TEST_F(NarrowSequential, TooNarrowIsKerasValueError) {
  try {
    model_summary(*model, 15);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::InvalidArgument);
    EXPECT_STREQ(e.what(), "Insufficient console width to print summary.");
  }
  EXPECT_THROW(model_summary(*model, -1), Error);
}

TEST_F(NarrowSequential, DefaultIsEightyEightColumns) {
  const std::string text = model_summary(*model);
  EXPECT_EQ(text, model_summary(*model, 88));
  EXPECT_NE(text.find("┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃\n"),
            std::string::npos);
}

}  // namespace
}  // namespace inlay::core
