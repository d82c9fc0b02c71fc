// Reshape: a view of the input's bytes in Keras's (row-major) order under the target dims; the one -1
// entry is what the element count leaves.
#include "layers/reshape.hpp"
#include "runtime/lowerings.hpp"
#include "util/error.hpp"

namespace inlay::runtime {

namespace {

void lower_reshape(PlanBuilder& b, const core::Reshape& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> in_dims = b.dims(x);
  std::vector<int64_t> out_dims = {in_dims[0]};
  int64_t known = 1;
  for (const std::optional<int64_t>& d : layer.target_shape()) {
    out_dims.push_back(d.value_or(-1));
    if (d && *d >= 0) known *= *d;
  }
  const int64_t total = product(in_dims, 1, in_dims.size());
  for (std::size_t i = 1; i < out_dims.size(); ++i) {
    if (out_dims[i] < 0) out_dims[i] = known == 0 ? 0 : total / known;
  }
  if (product(out_dims, 1, out_dims.size()) != total) {
    throw core::Error(core::Status::ShapeMismatch, "Layer '" + name + "': cannot reshape an input of " +
                                                       std::to_string(total) + " elements per sample to " +
                                                       node.outputs[0]->shape().to_tuple_string());
  }
  b.check_dims(node.outputs[0], out_dims, name);
  b.set_output(node.outputs[0], b.add_alias(x, out_dims));
}

}  // namespace

const LayerLowering reshape_lowering = {.lower = lower_as<core::Reshape, lower_reshape>};

}  // namespace inlay::runtime
