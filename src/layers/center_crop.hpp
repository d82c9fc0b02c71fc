// keras.layers.CenterCrop: crops the central (height, width) window of images; an image smaller than that
// is instead cropped to the target's aspect ratio and resized (image_utils.smart_resize).
#pragma once

#include <memory>
#include <string>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "layers/image_resize_args.hpp"
#include "layers/layer_args.hpp"

namespace inlay::core {

class CenterCrop final : public Layer {
 public:
  bool records_build_config() const override { return true; }  // built on first call, as in Keras
  static constexpr std::string_view kClassName = "CenterCrop";
  // CenterCrop(height, width, **kwargs)
  static std::unique_ptr<Layer> from_config(Graph& graph, const Json& config);

  std::string_view class_name() const override { return kClassName; }
  Json get_config() const override;

  bool channels_first() const { return data_format_ == "channels_first"; }

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit CenterCrop(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}

  BaseLayerConfig base_;
  ImageLayerArgs image_;
  Json height_, width_;
  std::string data_format_;
};

}  // namespace inlay::core
