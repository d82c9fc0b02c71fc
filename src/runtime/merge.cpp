// Add and Concatenate on oneDNN's sum and concat primitives. Add keeps a spatial layout when every
// input shares it (a residual connection between convolutions stays blocked); Concatenate works on
// Keras's row-major layout along the configured axis.
#include "layers/add.hpp"
#include "layers/concatenate.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

void lower_add(PlanBuilder& b, const core::Add& layer, const Node& node) {
  const std::string& name = layer.name();
  std::vector<ValueId> xs;
  for (const KerasTensor* t : node.inputs) xs.push_back(b.value_of(t));
  const Value first = b.value(xs[0]);
  for (ValueId v : xs) {
    if (b.dims(v) != first.dims) throw_unsupported(name, "Add of inputs with different shapes (broadcasting)");
  }
  bool same_layout = first.spatial;
  for (ValueId v : xs) same_layout = same_layout && b.value(v).spatial && b.value(v).md == first.md;
  std::vector<memory::desc> mds;
  for (ValueId& v : xs) {
    if (!same_layout) v = b.to_plain(v, name);
    mds.push_back(same_layout ? first.md : plain_md(first.dims));
  }
  const memory::desc dst_md = mds[0];
  const dnnl::sum::primitive_desc pd(dst_md, std::vector<float>(xs.size(), 1.f), mds, b.engine(), b.attributes());
  const ValueId out = b.add_value(first.dims, dst_md, same_layout, same_layout && first.channels_first);
  std::vector<ValueArg> args;
  for (std::size_t i = 0; i < xs.size(); ++i) args.push_back({DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), xs[i], mds[i]});
  args.push_back({DNNL_ARG_DST, out, dst_md});
  b.add_primitive(name, dnnl::sum(pd), pd.scratchpad_desc(), std::move(args));
  b.set_output(node.outputs[0], out);
}

void lower_concatenate(PlanBuilder& b, const core::Concatenate& layer, const Node& node) {
  const std::string& name = layer.name();
  std::vector<ValueId> xs;
  std::vector<memory::desc> mds;
  for (const KerasTensor* t : node.inputs) {
    xs.push_back(b.to_plain(b.value_of(t), name));
    mds.push_back(plain_md(b.dims(xs.back())));
  }
  std::vector<int64_t> out_dims = b.dims(xs[0]);
  const int rank = static_cast<int>(out_dims.size());
  const int axis = static_cast<int>(layer.axis() < 0 ? layer.axis() + rank : layer.axis());
  out_dims[static_cast<std::size_t>(axis)] = 0;
  for (ValueId v : xs) out_dims[static_cast<std::size_t>(axis)] += b.dims(v)[static_cast<std::size_t>(axis)];
  b.check_dims(node.outputs[0], out_dims, name);
  const memory::desc dst_md = plain_md(out_dims);
  const dnnl::concat::primitive_desc pd(dst_md, axis, mds, b.engine(), b.attributes());
  const ValueId out = b.add_plain(out_dims);
  std::vector<ValueArg> args;
  for (std::size_t i = 0; i < xs.size(); ++i) args.push_back({DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), xs[i], mds[i]});
  args.push_back({DNNL_ARG_DST, out, dst_md});
  b.add_primitive(name, dnnl::concat(pd), pd.scratchpad_desc(), std::move(args));
  b.set_output(node.outputs[0], out);
}

}  // namespace inlay::runtime
