// keras.layers.MultiHeadAttention: query, key and value projected per head by EinsumDense layers (query,
// key, value; Keras's _query_dense, ...), softmax(query . key / sqrt(key_dim)) over the attention axes with
// the inputs' masks, attention_mask, the causal and sliding-window masks ANDed, the weights' product with the
// value, then the attention_output projection. Called as (query, value[, key]) with key / attention_mask by
// keyword, use_causal_mask and return_attention_scores (a second output: the scores). The output keeps the
// query's mask. GroupQueryAttention (group_query_attention.hpp) derives from it, as its runtime is the same
// with key/value heads shared by groups of query heads.
#pragma once

#include <memory>
#include <optional>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/einsum_dense.hpp"
#include "layers/layer_args.hpp"
#include "layers/serialization.hpp"

namespace inlay::core {

class MultiHeadAttention : public Layer {
 public:
  static constexpr std::string_view kClassName = "MultiHeadAttention";
  // MultiHeadAttention(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;
  // Keras records build(query_shape, value_shape[, key_shape])'s arguments: {"shapes_dict": {...}}.
  Json build_config() const override;
  std::vector<SubLayer> sublayers() const override;
  std::vector<std::string_view> call_tensor_keywords() const override {
    // Keras flattens a call's keyword tensors in sorted key order (tree.flatten of the kwargs dict): its
    // summaries list them so. tf.keras records value=... among the kwargs.
    return {"attention_mask", "key", "query", "value"};
  }
  std::vector<std::string_view> call_option_keywords() const override {
    return {"return_attention_scores", "use_causal_mask", "query_mask", "value_mask", "key_mask"};
  }
  // call(query, value, key=None, ...): query and value are positional arguments of their own.
  bool call_takes_separate_arguments() const override { return true; }

  int64_t num_heads() const { return num_heads_; }
  // Heads of the key and value projections (GroupQueryAttention: fewer, each shared by num_heads / kv_heads).
  virtual int64_t kv_heads() const { return num_heads_; }
  int64_t key_dim() const { return key_dim_; }
  bool use_gate() const { return use_gate_; }
  std::optional<int64_t> sliding_window() const { return sliding_window_; }
  // Dropout > 0 makes Keras take its Softmax-layer path even at inference (masked weights are zeroed).
  bool has_dropout() const { return dropout_.is_number() && dropout_.get<double>() > 0.0; }
  // The attention axes of the projected (batch, ..., heads, channels) tensors, set by build.
  const std::vector<int64_t>& attention_axes() const { return attention_axes_; }
  const EinsumDense& query_dense() const { return *query_; }
  const EinsumDense& key_dense() const { return *key_; }
  const EinsumDense& value_dense() const { return *value_; }
  const EinsumDense& output_dense() const { return *output_; }
  const EinsumDense* gate_dense() const { return gate_.get(); }

  // A node's inputs by role (keywords: Node::keywords, empty when the call had none).
  struct Roles {
    std::size_t query = 0, value = 1;
    std::optional<std::size_t> key, attention_mask;
  };
  static Roles roles(const std::vector<std::string>& keywords, std::size_t n_inputs);

 protected:
  MultiHeadAttention(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  // The arguments both classes share, after BaseLayerConfig::read.
  void read_common(LayerArgs& args);
  void build_call(const std::vector<const KerasTensor*>& inputs, const CallArguments& args) override;
  // Makes the projections for these shapes (key: the key's or the value's).
  virtual void build_projections(const Shape& query, const Shape& value, const Shape& key);
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  std::vector<TypeSpec> compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                  const CallArguments& args) const override;
  // An EinsumDense sublayer as _get_common_kwargs_for_sublayer configures it.
  std::unique_ptr<EinsumDense> projection(const std::string& name, const std::string& equation, const Json& output_shape,
                                          const std::optional<std::string>& bias_axes, const char* activation) const;
  // The common keys of get_config() (initializers, regularizers, constraints, seed).
  void write_common(Json& config) const;

  BaseLayerConfig base_;
  int64_t num_heads_ = 1, key_dim_ = 1, value_dim_ = 1;
  Json dropout_ = 0.0;
  bool use_bias_ = true, use_gate_ = false;
  Json output_shape_;  // null or a list
  Json attention_axes_arg_;  // null or a list; the normalized axes once built
  std::vector<int64_t> attention_axes_;
  std::optional<int64_t> sliding_window_;
  SharedJson kernel_initializer_, bias_initializer_, kernel_regularizer_, bias_regularizer_, kernel_constraint_,
      bias_constraint_;
  Json seed_;
  std::unique_ptr<EinsumDense> query_, key_, value_, output_, gate_;
};

}  // namespace inlay::core
