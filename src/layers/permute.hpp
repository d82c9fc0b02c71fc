// keras.layers.Permute: permutes the non-batch axes of its input; dims is a permutation of 1..rank
// (output axis i + 1 is input axis dims[i]).
#pragma once

#include <memory>
#include <vector>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Permute final : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  static constexpr std::string_view kClassName = "Permute";
  // Permute(dims, **kwargs)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // The input axis of each non-batch output axis (1-based, as Keras gives them).
  const std::vector<int64_t>& dims() const { return dims_; }

 protected:
  std::vector<InputSpec> input_specs() const override;
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Permute(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  std::vector<TypeSpec> infer(const std::vector<const KerasTensor*>& inputs) const;

  BaseLayerConfig base_;
  Json dims_json_;  // tuple(dims), as Keras keeps it
  std::vector<int64_t> dims_;
  bool float_index_ = false;  // a permutation spelled with floats (2.0): Keras accepts it, then cannot index
};

}  // namespace inlay::core
