// keras.layers.Bidirectional(layer, merge_mode="concat", backward_layer=None): runs a recurrent layer forward
// and a copy of it (or `backward_layer`) backward over the same sequence and merges the two outputs (concat,
// sum, mul, ave, or None: both returned). Like TimeDistributed, the two inner layers live in the wrapper's
// graph and are called once per call of the wrapper on a tensor of the wrapper's input spec, which gives them
// their weights ("bidirectional/forward_lstm/lstm_cell/kernel", ...) and the runtime a node to lower.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/layer_args.hpp"
#include "layers/recurrent_base.hpp"

namespace inlay::core {

class Bidirectional final : public Layer {
 public:
  static constexpr std::string_view kClassName = "Bidirectional";
  enum class Merge { Concat, Sum, Mul, Ave, None };

  // Bidirectional.from_config: config["layer"] (and config["backward_layer"]) deserialized first.
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;
  std::vector<SubLayer> sublayers() const override {
    return {{"forward_layer", forward_}, {"backward_layer", backward_}};
  }
  std::size_t output_count() const override;
  // call(sequences, initial_state=[...]): the first half of the states go to the forward layer, the rest to the
  // backward one (Keras's len // 2 split); tf.keras files give them as extra positional inputs.
  std::vector<std::string_view> call_tensor_keywords() const override { return {"initial_state"}; }
  std::vector<std::string_view> call_option_keywords() const override { return {"initial_state", "constants"}; }
  std::vector<std::string_view> call_list_keywords() const override { return {"initial_state"}; }

  Merge merge_mode() const { return merge_; }
  const RecurrentLayer& forward() const { return *forward_; }
  const RecurrentLayer& backward() const { return *backward_; }
  // The inner layers' nodes that a node of this layer runs through.
  const Node& forward_node(const Node& node) const { return inner_node(*forward_, node); }
  const Node& backward_node(const Node& node) const { return inner_node(*backward_, node); }

 protected:
  bool records_build_config() const override { return true; }
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;
  // The inner layers take their states as this call does: by keyword (Keras 3) or positional (tf.keras), which
  // decides whether they run masked (see recurrent.cpp).
  std::vector<TypeSpec> compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                  const CallArguments& args) const override;

 private:
  Bidirectional(BaseLayerConfig base, RecurrentLayer* forward, RecurrentLayer* backward, Merge merge, Json merge_arg)
      : Layer(base.name), base_(std::move(base)), forward_(forward), backward_(backward), merge_(merge),
        merge_arg_(std::move(merge_arg)) {}
  const Node& inner_node(const Layer& inner, const Node& node) const;
  Json serialized(const RecurrentLayer& inner) const;

  BaseLayerConfig base_;
  RecurrentLayer* forward_;   // owned by the graph
  RecurrentLayer* backward_;  // owned by the graph
  Merge merge_;
  Json merge_arg_;
  mutable bool weights_renamed_ = false;  // the inner weights' paths carry this layer's name
};

}  // namespace inlay::core
