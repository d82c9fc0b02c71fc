// keras.layers.GroupQueryAttention (Keras's GroupedQueryAttention): MultiHeadAttention on rank-3 inputs with
// num_key_value_heads key/value heads, each shared by num_query_heads / num_key_value_heads query heads
// (Keras repeats them: query head u reads key/value head u // repeats), head_dim channels per head. Its
// projections are EinsumDense layers too (_query_dense, ...), so it runs on MultiHeadAttention's lowering.
#pragma once

#include "layers/multi_head_attention.hpp"

namespace inlay::core {

class GroupQueryAttention final : public MultiHeadAttention {
 public:
  static constexpr std::string_view kClassName = "GroupQueryAttention";
  // GroupQueryAttention(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  std::string_view python_class_name() const override { return "GroupedQueryAttention"; }
  Json get_config() const override;
  std::vector<SubLayer> sublayers() const override;
  int64_t kv_heads() const override { return kv_heads_; }

 protected:
  using MultiHeadAttention::MultiHeadAttention;
  void build_projections(const Shape& query, const Shape& value, const Shape& key) override;
  std::vector<TypeSpec> compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                  const CallArguments& args) const override;

 private:
  int64_t kv_heads_ = 1;
};

}  // namespace inlay::core
