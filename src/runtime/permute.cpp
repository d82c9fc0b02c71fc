// Permute: a oneDNN reorder that reads the input through a view with its strides permuted (output axis i
// walks input axis perm[i]) and writes row-major bytes.
#include "layers/permute.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

void lower_permute(PlanBuilder& b, const core::Permute& layer, const Node& node) {
  const std::string& name = layer.name();
  const ValueId x = b.to_plain(b.value_of(node.inputs[0]), name);
  const std::vector<int64_t> in = b.dims(x);
  std::vector<int64_t> perm = {0};
  perm.insert(perm.end(), layer.dims().begin(), layer.dims().end());
  std::vector<int64_t> in_strides(in.size(), 1);
  for (std::size_t i = in.size(); i-- > 1;) in_strides[i - 1] = in_strides[i] * in[i];
  std::vector<int64_t> out(in.size()), strides(in.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    out[i] = in[static_cast<std::size_t>(perm[i])];
    strides[i] = in_strides[static_cast<std::size_t>(perm[i])];
  }
  b.check_dims(node.outputs[0], out, name);
  if (product(out, 0, out.size()) == 0) {  // nothing to move
    const ValueId empty = b.add_plain(out);
    b.add_custom(name, [](const RunContext&) {}, {x}, {empty});
    b.set_output(node.outputs[0], empty);
    return;
  }
  const memory::desc view(to_dnnl(out), memory::data_type::f32, to_dnnl(strides));
  b.set_output(node.outputs[0], b.reorder(x, view, plain_md(out), out, false, false, name));
}

}  // namespace

const LayerLowering permute_lowering = {.lower = lower_as<core::Permute, lower_permute>};

}  // namespace inlay::runtime
