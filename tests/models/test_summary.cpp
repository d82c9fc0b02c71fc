// inlay_model_summary through the C ABI: a model whose names exercise what rich does to text (markup in
// names, tabs, wide characters, a trailing backslash) and whose weights exercise the param lines (a float64
// layer, a frozen layer, BatchNormalization's moving statistics), plus the argument checks. Every fixture
// model's summary is compared in test_model_fixtures.cpp.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "inlay/inlay.h"

namespace {

struct GraphDeleter {
  void operator()(inlay_graph* g) const { inlay_graph_free(g); }
};
struct ModelDeleter {
  void operator()(inlay_model* m) const { inlay_model_free(m); }
};

inlay_tensor* call(inlay_graph* g, const char* class_name, const char* config, inlay_tensor* const* inputs,
                   size_t n_inputs) {
  inlay_layer* layer = nullptr;
  EXPECT_EQ(inlay_layer_create(g, class_name, config, &layer), INLAY_OK) << inlay_last_error();
  inlay_tensor* out = nullptr;
  size_t n = 0;
  EXPECT_EQ(inlay_layer_call(layer, inputs, n_inputs, &out, 1, &n), INLAY_OK) << inlay_last_error();
  return out;
}

// Recorded with Keras 3.15.1 (rich 15.0.0), COLUMNS=250:
//   x = keras.Input(shape=(8,), name="in[put]")
//   h = layers.Dense(16, name="x[bold]y", dtype="float64")(x)
//   h = layers.BatchNormalization(name="tab\tbn")(h)
//   f = layers.Dense(4, name="frozen", trainable=False)(h)
//   g = layers.Dense(4, name="層")(x)
//   y = layers.Concatenate(name="join")([f, g])
//   keras.Model(x, y, name="tricky\\").summary(print_fn=lambda t, **k: buf.write(t))
// rich.markup.escape protects the names in the first column, not in "Connected to" ("[put]" and "[bold]" are
// read as tags there); a trailing backslash in the model's name comes out doubled; tabs expand to 8 columns.
constexpr const char* kTrickySummary =
    "Model: \"tricky\\\\\"\n"
    "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
    "┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃\n"
    "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
    "│ in[put] (InputLayer)          │ (None, 8)                 │               0 │ -                          │\n"
    "├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤\n"
    "│ x[bold]y (Dense)              │ (None, 16)                │             144 │ in[0][0]                   │\n"
    "├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤\n"
    "│ tab     bn                    │ (None, 16)                │              64 │ xy[0][0]                   │\n"
    "│ (BatchNormalization)          │                           │                 │                            │\n"
    "├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤\n"
    "│ frozen (Dense)                │ (None, 4)                 │              68 │ tab     bn[0][0]           │\n"
    "├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤\n"
    "│ 層 (Dense)                    │ (None, 4)                 │              36 │ in[0][0]                   │\n"
    "├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤\n"
    "│ join (Concatenate)            │ (None, 8)                 │               0 │ frozen[0][0], 層[0][0]     │\n"
    "└───────────────────────────────┴───────────────────────────┴─────────────────┴────────────────────────────┘\n"
    " Total params: 312 (1.78 KB)\n"
    " Trainable params: 212 (1.39 KB)\n"
    " Non-trainable params: 100 (400.00 B)\n";

TEST(ModelSummary, NamesAndParamLinesAsKerasPrintsThem) {
  inlay_graph* raw = nullptr;
  ASSERT_EQ(inlay_graph_create(&raw), INLAY_OK);
  std::unique_ptr<inlay_graph, GraphDeleter> g(raw);
  inlay_tensor* x = nullptr;
  ASSERT_EQ(inlay_input(g.get(), R"({"shape":[8],"name":"in[put]"})", nullptr, nullptr, &x), INLAY_OK)
      << inlay_last_error();
  inlay_tensor* h = call(g.get(), "Dense", R"({"units":16,"name":"x[bold]y","dtype":"float64"})", &x, 1);
  h = call(g.get(), "BatchNormalization", R"({"name":"tab\tbn"})", &h, 1);
  inlay_tensor* pair[2] = {call(g.get(), "Dense", R"({"units":4,"name":"frozen","trainable":false})", &h, 1),
                           call(g.get(), "Dense", R"({"units":4,"name":"層"})", &x, 1)};
  inlay_tensor* y = call(g.get(), "Concatenate", R"({"name":"join"})", pair, 2);
  ASSERT_FALSE(::testing::Test::HasFailure());
  inlay_model* model = nullptr;
  ASSERT_EQ(inlay_model_create(g.get(), &x, 1, &y, 1, "tricky\\", &model), INLAY_OK) << inlay_last_error();
  std::unique_ptr<inlay_model, ModelDeleter> m(model);

  char* text = nullptr;
  ASSERT_EQ(inlay_model_summary(m.get(), &text), INLAY_OK) << inlay_last_error();
  const std::string summary = text;
  inlay_free(text);
  EXPECT_EQ(summary, kTrickySummary);
}

TEST(ModelSummary, NullArguments) {
  char* text = nullptr;
  EXPECT_EQ(inlay_model_summary(nullptr, &text), INLAY_INVALID_ARGUMENT);
  EXPECT_NE(std::string(inlay_last_error()).find("inlay_model_summary"), std::string::npos);
  EXPECT_EQ(text, nullptr);

  inlay_graph* raw = nullptr;
  ASSERT_EQ(inlay_graph_create(&raw), INLAY_OK);
  std::unique_ptr<inlay_graph, GraphDeleter> g(raw);
  inlay_tensor* x = nullptr;
  ASSERT_EQ(inlay_input(g.get(), R"({"shape":[3]})", nullptr, nullptr, &x), INLAY_OK);
  inlay_model* model = nullptr;
  ASSERT_EQ(inlay_model_create(g.get(), &x, 1, &x, 1, nullptr, &model), INLAY_OK);
  std::unique_ptr<inlay_model, ModelDeleter> m(model);
  EXPECT_EQ(inlay_model_summary(m.get(), nullptr), INLAY_INVALID_ARGUMENT);
  EXPECT_NE(std::string(inlay_last_error()).find("text_out"), std::string::npos);
}

}  // namespace
