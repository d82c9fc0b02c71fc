// keras.layers.SimpleRNN: an RNN over the cell keras.layers.SimpleRNNCell (recurrent_base.hpp has the shared rules).
#pragma once

#include <memory>

#include "layers/recurrent_base.hpp"

namespace inlay::core {

class SimpleRNN final : public RecurrentLayer {
 public:
  static constexpr std::string_view kClassName = "SimpleRNN";
  // SimpleRNN(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }

 private:
  friend class RecurrentLayer;
  explicit SimpleRNN(BaseLayerConfig base) : RecurrentLayer(RecurrentKind::SimpleRNN, std::move(base), "simple_rnn_cell") {}
};

}  // namespace inlay::core
