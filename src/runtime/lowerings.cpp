// Which lowering runs a layer: the rows of layers/layer_classes.def, by class name.
#include "runtime/lowerings.hpp"

#include <string>
#include <string_view>
#include <unordered_map>

namespace inlay::runtime {

const LayerLowering* lowering_of(const Layer& layer) {
  static const std::unordered_map<std::string_view, const LayerLowering*> table = {
#define INLAY_LAYER_CLASS(keras_name, cpp_class, lowering, positional) {#keras_name, &lowering##_lowering},
#include "layers/layer_classes.def"
#undef INLAY_LAYER_CLASS
  };
  if (layer.nested_model() != nullptr) return &nested_model_lowering;
  // Op-layers share class names with layers (the op "Add", the layer Add): their module tells them apart.
  if (const std::string_view module = layer.module(); module != "keras.layers") {
    struct OpRow {
      std::string_view module, op_name;
      const LayerLowering* lowering;
    };
    static const OpRow ops[] = {
#define INLAY_OP_LAYER(op_module, op, cpp_class, lowering) {op_module, #op, &lowering##_lowering},
#include "layers/layer_classes.def"
#undef INLAY_OP_LAYER
    };
    for (const OpRow& row : ops) {
      if (row.module == module && row.op_name == layer.class_name()) return row.lowering;
    }
  }
  auto it = table.find(layer.class_name());
  return it == table.end() ? nullptr : it->second;
}

bool reference_implementation(const dnnl::primitive_desc_base& pd) {
  const std::string impl = pd.impl_info_str();
  return impl.rfind("ref", 0) == 0;
}

}  // namespace inlay::runtime
