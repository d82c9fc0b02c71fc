// keras.layers.AdditiveAttention: Bahdanau-style attention, Attention with scores
// sum(scale * tanh(query + key)) over the features (scale: a weight of the query's feature size, when
// use_scale, the default).
#pragma once

#include "layers/attention.hpp"

namespace inlay::core {

class AdditiveAttention final : public Attention {
 public:
  static constexpr std::string_view kClassName = "AdditiveAttention";
  // AdditiveAttention(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;
  bool additive() const override { return true; }

 protected:
  void build(const std::vector<const KerasTensor*>& inputs) override;

 private:
  using Attention::Attention;
};

}  // namespace inlay::core
