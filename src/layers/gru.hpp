// keras.layers.GRU: an RNN over the cell keras.layers.GRUCell (recurrent_base.hpp has the shared rules).
#pragma once

#include <memory>

#include "layers/recurrent_base.hpp"

namespace inlay::core {

class GRU final : public RecurrentLayer {
 public:
  static constexpr std::string_view kClassName = "GRU";
  // GRU(**config)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);
  std::string_view class_name() const override { return kClassName; }

 private:
  friend class RecurrentLayer;
  explicit GRU(BaseLayerConfig base) : RecurrentLayer(RecurrentKind::GRU, std::move(base), "gru_cell") {}
};

}  // namespace inlay::core
