// Which lowering runs a layer: dispatch on the layer's class.
#include "runtime/lowerings.hpp"

#include "layers/activation.hpp"
#include "layers/add.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/concatenate.hpp"
#include "layers/conv_base.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/flatten.hpp"
#include "layers/pooling_base.hpp"
#include "layers/reshape.hpp"
#include "layers/zero_padding2d.hpp"

namespace inlay::runtime {

namespace {

template <typename T>
bool try_lower(PlanBuilder& b, const Layer& layer, const Node& node,
               void (*lower)(PlanBuilder&, const T&, const Node&)) {
  const auto* typed = dynamic_cast<const T*>(&layer);
  if (typed == nullptr) return false;
  lower(b, *typed, node);
  return true;
}

}  // namespace

void lower_layer(PlanBuilder& b, const Layer& layer, const Node& node) {
  const bool lowered =
      try_lower<core::Dense>(b, layer, node, lower_dense) || try_lower<core::BaseConv>(b, layer, node, lower_conv) ||
      try_lower<core::BasePooling>(b, layer, node, lower_pooling) ||
      try_lower<core::BaseGlobalPooling>(b, layer, node, lower_global_pooling) ||
      try_lower<core::ActivationLayer>(b, layer, node, lower_activation) ||
      try_lower<core::BatchNormalization>(b, layer, node, lower_batch_normalization) ||
      try_lower<core::Dropout>(b, layer, node, lower_dropout) ||
      try_lower<core::Flatten>(b, layer, node, lower_flatten) ||
      try_lower<core::Reshape>(b, layer, node, lower_reshape) ||
      try_lower<core::ZeroPadding2D>(b, layer, node, lower_zero_padding2d) ||
      try_lower<core::Add>(b, layer, node, lower_add) ||
      try_lower<core::Concatenate>(b, layer, node, lower_concatenate);
  if (!lowered) throw_unsupported(layer.name(), "the layer class " + std::string(layer.class_name()));
}

bool lowering_maps_flat_values(const Layer& layer) {
  return dynamic_cast<const core::Dense*>(&layer) != nullptr ||
         dynamic_cast<const core::ActivationLayer*>(&layer) != nullptr ||
         dynamic_cast<const core::Dropout*>(&layer) != nullptr;
}

}  // namespace inlay::runtime
