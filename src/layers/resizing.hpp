// keras.layers.Resizing: resizes images to (height, width) with ops.image.resize (interpolation, optional
// crop_to_aspect_ratio / pad_to_aspect_ratio, antialias).
#pragma once

#include <memory>
#include <string>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/image_resize_args.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class Resizing final : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  static constexpr std::string_view kClassName = "Resizing";
  // Resizing(height, width, **kwargs)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  // What the runtime needs; `interpolation` as given (ops.image.resize checks it when run).
  const Json& interpolation() const { return interpolation_; }
  bool channels_first() const { return data_format_ == "channels_first"; }
  bool crop_to_aspect_ratio() const { return crop_; }
  bool pad_to_aspect_ratio() const { return pad_; }
  bool antialias() const { return antialias_; }

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit Resizing(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  ImageLayerArgs image_;
  Json height_, width_, interpolation_, crop_json_, pad_json_, fill_mode_, fill_value_;
  bool crop_ = false, pad_ = false, antialias_ = false;
  std::string data_format_;
};

}  // namespace inlay::core
