// keras.layers.Attention: Luong-style (dot-product) attention over [query, value] or [query, value, key]:
// softmax(scores(query, key) with masked value steps at -1e9) @ value, query-masked steps zeroed. score_mode
// "concat" scores with sum(tanh(scale * (query + key))) instead. The output keeps the query's mask.
// AdditiveAttention (additive_attention.hpp) derives from it, as in Keras.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Attention : public Layer {
 public:
  static constexpr std::string_view kClassName = "Attention";
  // Attention(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  bool use_scale() const { return use_scale_; }
  bool concat_scores() const { return score_mode_ == "concat"; }
  // AdditiveAttention: scores are sum(scale * tanh(query + key)) over the features.
  virtual bool additive() const { return false; }

 protected:
  Attention(BaseLayerConfig base, bool use_scale) : Layer(base.name), base_(std::move(base)), use_scale_(use_scale) {}
  // Reads dropout, seed and score_mode (the keys the two classes share) after BaseLayerConfig::read.
  void read_common(LayerArgs& args);
  // Keras's _validate_inputs on the build's input shapes (a single tensor's shape is not a list).
  void validate_inputs(const std::vector<const KerasTensor*>& inputs) const;
  void build(const std::vector<const KerasTensor*>& inputs) override;
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

  BaseLayerConfig base_;
  bool use_scale_ = false;
  std::string score_mode_ = "dot";
  Json dropout_ = 0.0;
  Json seed_;
};

}  // namespace inlay::core
