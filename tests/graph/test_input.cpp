// Input()/InputLayer behaviour that the Keras fixtures cannot show directly: graph state after failures,
// graph independence, config round trips.
#include <gtest/gtest.h>

#include "graph/graph.hpp"
#include "graph/input.hpp"
#include "graph/input_layer.hpp"
#include "util/error.hpp"

namespace inlay::core {
namespace {

TEST(ToSnakeCase, MatchesKerasRegexes) {
  EXPECT_EQ(to_snake_case("InputLayer"), "input_layer");
  EXPECT_EQ(to_snake_case("KerasTensor"), "keras_tensor");
  EXPECT_EQ(to_snake_case("Conv2D"), "conv2d");
  EXPECT_EQ(to_snake_case("GlobalAveragePooling2D"), "global_average_pooling2d");
  EXPECT_EQ(to_snake_case("HTTPServer"), "http_server");
}

TEST(Input, FailedCallAddsNoLayerOrTensor) {
  Graph g;
  EXPECT_THROW(Input(g, Json::parse(R"({"shape":[3],"dtype":"foo"})")), Error);
  EXPECT_TRUE(g.layers().empty());
  // ... but, as in Keras, the layer's auto-name was taken before the dtype was checked.
  KerasTensor& t = Input(g, Json::parse(R"({"shape":[3]})"));
  EXPECT_EQ(t.history().layer->name(), "input_layer_1");
  EXPECT_EQ(t.name(), "keras_tensor");
  EXPECT_EQ(g.layers().size(), 1u);
}

TEST(Input, GraphsNameIndependently) {
  Graph a, b;
  Input(a, Json::parse(R"({"shape":[3]})"));
  EXPECT_EQ(Input(b, Json::parse(R"({"shape":[3]})")).history().layer->name(), "input_layer");
}

TEST(Input, TensorFromAnotherGraphIsRejected) {
  Graph a, b;
  KerasTensor& t = Input(a, Json::parse(R"({"shape":[3]})"));
  EXPECT_THROW(Input(b, Json::object(), nullptr, &t), Error);
  EXPECT_TRUE(b.layers().empty());
  EXPECT_EQ(t.history().layer->name(), "input_layer");  // untouched
}

TEST(Input, WrappingMovesTheHistoryToTheNewLayer) {
  Graph g;
  KerasTensor& t = Input(g, Json::parse(R"({"shape":[3]})"));
  KerasTensor& same = Input(g, Json::parse(R"({"name":"outer"})"), nullptr, &t);
  EXPECT_EQ(&same, &t);
  EXPECT_EQ(t.history().layer->name(), "outer");
  EXPECT_EQ(g.layers().size(), 2u);
}

TEST(Input, TypeSpecAsObjectAndInKwargsIsAmbiguous) {
  Graph g;
  const TypeSpec spec = TypeSpec::tensor(Shape({kNoneDim, 3}), DType::Float32);
  EXPECT_THROW(Input(g, Json::parse(R"({"type_spec":{"kind":"tensor","shape":[null,3]}})"), &spec), Error);
  KerasTensor& t = Input(g, Json::object(), &spec);
  EXPECT_EQ(t.shape(), Shape({kNoneDim, 3}));
}

TEST(InputLayer, ConfigRoundTripsThroughFromConfig) {
  Graph g;
  const char* cases[] = {
      R"({"shape":[28,28,1],"batch_size":8,"dtype":"uint8","name":"img","optional":true})",
      R"({"shape":[null,8],"ragged":true})",
      R"({"shape":[1000],"sparse":true,"dtype":"int64"})",
  };
  for (const char* kwargs : cases) {
    SCOPED_TRACE(kwargs);
    const Json config = Input(g, Json::parse(kwargs)).history().layer->get_config();
    Graph fresh;
    InputLayer& again = InputLayer::create(fresh, InputLayerArgs::from_config(config));
    EXPECT_EQ(again.get_config(), config);
  }
}

TEST(InputLayer, TypeSpecConfigRoundTrips) {
  Graph g;
  const TypeSpec spec = TypeSpec::ragged(Shape({kNoneDim, kNoneDim, 4}), DType::Int32, 1, DType::Int32);
  const Json config = Input(g, Json::object(), &spec).history().layer->get_config();
  ASSERT_TRUE(config.contains("type_spec"));
  Graph fresh;
  InputLayer& again = InputLayer::create(fresh, InputLayerArgs::from_config(config));
  EXPECT_EQ(again.output().spec(), spec);
}

TEST(InputLayer, FromConfigRejectsNonObjects) {
  try {
    InputLayerArgs::from_config(Json::array());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::ParseError);
  }
}

}  // namespace
}  // namespace inlay::core
