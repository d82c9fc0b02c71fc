// keras.layers.LSTM: an RNN over the cell keras.layers.LSTMCell (recurrent_base.hpp has the shared rules).
#pragma once

#include <memory>

#include "layers/recurrent_base.hpp"

namespace inlay::core {

class LSTM final : public RecurrentLayer {
 public:
  static constexpr std::string_view kClassName = "LSTM";
  // LSTM(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }

 private:
  friend class RecurrentLayer;
  explicit LSTM(BaseLayerConfig base) : RecurrentLayer(RecurrentKind::LSTM, std::move(base), "lstm_cell") {}
};

}  // namespace inlay::core
