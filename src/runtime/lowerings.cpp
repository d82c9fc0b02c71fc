// Which lowering runs a layer: the rows of layers/layer_classes.def, by class name.
#include "runtime/lowerings.hpp"

#include <string_view>
#include <unordered_map>

namespace inlay::runtime {

const LayerLowering* lowering_of(const Layer& layer) {
  static const std::unordered_map<std::string_view, const LayerLowering*> table = {
#define INLAY_LAYER_CLASS(keras_name, cpp_class, lowering, positional) {#keras_name, &lowering##_lowering},
#include "layers/layer_classes.def"
#undef INLAY_LAYER_CLASS
  };
  auto it = table.find(layer.class_name());
  return it == table.end() ? nullptr : it->second;
}

}  // namespace inlay::runtime
