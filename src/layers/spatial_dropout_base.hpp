// The base of keras.layers.SpatialDropout1D/2D/3D: Dropout of whole feature maps in training, the identity
// at inference. Their __init__ takes only rate, seed, name and dtype (and data_format for 2D / 3D), not the
// other Layer keywords, and their input spec pins the rank (3, 4, 5).
#pragma once

#include <string>

#include "layers/pass_through.hpp"

namespace inlay::core {

class SpatialDropoutBase : public PassThroughLayer {
 public:
  Json node_kwargs() const override { return {{"training", false}}; }  // what Keras records per call
  Json get_config() const override;

 protected:
  // BaseSpatialDropout.__init__ for a class of input rank `rank` (data_format read when rank > 3).
  static BaseLayerConfig read(std::string_view class_name, int rank, Graph& graph, const Json& config, Json& rate,
                              Json& seed, std::string& data_format);
  SpatialDropoutBase(BaseLayerConfig base, int rank) : PassThroughLayer(std::move(base)), rank_(rank) {}

  std::vector<InputSpec> input_specs() const override {
    InputSpec spec;
    spec.ndim = rank_;
    return {spec};
  }

  int rank_;
  Json rate_, seed_;
  std::string data_format_;  // empty for SpatialDropout1D
};

}  // namespace inlay::core
