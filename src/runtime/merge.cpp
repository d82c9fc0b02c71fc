// Add and Concatenate on oneDNN's sum and concat primitives. Add keeps a spatial layout when every
// input shares it (a residual connection between convolutions stays blocked); Concatenate works on
// Keras's row-major layout along the configured axis.
//
// Any number of inputs: oneDNN numbers a primitive's sources DNNL_ARG_MULTIPLE_SRC + i, ids that reach
// DNNL_ARG_MULTIPLE_DST at i = 1024 and DNNL_ARG_ATTR_ZERO_POINTS at i = 3072 (where a 3,073-input merge
// used to fail every predict). A merge of more than kMaxSources inputs is a tree: sums (concats) of
// consecutive groups of at most kMaxSources, then of those partial results, until one value is left.
#include <algorithm>

#include "layers/add.hpp"
#include "layers/concatenate.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

constexpr std::size_t kMaxSources = 1024;

std::vector<ValueArg> source_args(const std::vector<ValueId>& xs, const std::vector<memory::desc>& mds) {
  std::vector<ValueArg> args;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    args.push_back({DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), xs[i], mds[i]});
  }
  return args;
}

// One sum primitive of at most kMaxSources values sharing `md`; returns the value it writes.
ValueId sum_step(PlanBuilder& b, const std::vector<ValueId>& xs, const memory::desc& md, const Value& like,
                 const std::string& name) {
  const std::vector<memory::desc> mds(xs.size(), md);
  const dnnl::sum::primitive_desc pd(md, std::vector<float>(xs.size(), 1.f), mds, b.engine(), b.attributes());
  const ValueId out = b.add_value(like.dims, md, like.spatial, like.spatial && like.channels_first);
  std::vector<ValueArg> args = source_args(xs, mds);
  args.push_back({DNNL_ARG_DST, out, md});
  b.add_primitive(name, dnnl::sum(pd), pd.scratchpad_desc(), std::move(args));
  return out;
}

// One concat primitive of at most kMaxSources plain values along `axis`; returns the value it writes.
ValueId concat_step(PlanBuilder& b, const std::vector<ValueId>& xs, int axis, const std::string& name) {
  std::vector<memory::desc> mds;
  std::vector<int64_t> out_dims = b.dims(xs[0]);
  const auto a = static_cast<std::size_t>(axis);
  out_dims[a] = 0;
  for (ValueId v : xs) {
    mds.push_back(plain_md(b.dims(v)));
    out_dims[a] += b.dims(v)[a];
  }
  const memory::desc dst_md = plain_md(out_dims);
  const dnnl::concat::primitive_desc pd(dst_md, axis, mds, b.engine(), b.attributes());
  const ValueId out = b.add_plain(out_dims);
  std::vector<ValueArg> args = source_args(xs, mds);
  args.push_back({DNNL_ARG_DST, out, dst_md});
  b.add_primitive(name, dnnl::concat(pd), pd.scratchpad_desc(), std::move(args));
  return out;
}

// Merges xs with `step` in groups of at most kMaxSources, level by level, into one value.
template <typename Step>
ValueId merge_tree(std::vector<ValueId> xs, Step&& step) {
  while (xs.size() > 1) {
    std::vector<ValueId> next;
    for (std::size_t begin = 0; begin < xs.size(); begin += kMaxSources) {
      const std::size_t end = std::min(xs.size(), begin + kMaxSources);
      if (end - begin == 1) {
        next.push_back(xs[begin]);  // a lone last value joins the next level as it is
      } else {
        next.push_back(step(std::vector<ValueId>(xs.begin() + static_cast<std::ptrdiff_t>(begin),
                                                 xs.begin() + static_cast<std::ptrdiff_t>(end))));
      }
    }
    xs = std::move(next);
  }
  return xs.front();
}

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
  if (!same_layout) {
    for (ValueId& v : xs) v = b.to_plain(v, name);
  }
  const memory::desc md = same_layout ? first.md : plain_md(first.dims);
  Value like = first;
  like.spatial = same_layout;
  const ValueId out =
      merge_tree(xs, [&](const std::vector<ValueId>& group) { return sum_step(b, group, md, like, name); });
  b.set_output(node.outputs[0], out);
}

void lower_concatenate(PlanBuilder& b, const core::Concatenate& layer, const Node& node) {
  const std::string& name = layer.name();
  std::vector<ValueId> xs;
  for (const KerasTensor* t : node.inputs) xs.push_back(b.to_plain(b.value_of(t), name));
  std::vector<int64_t> out_dims = b.dims(xs[0]);
  const int rank = static_cast<int>(out_dims.size());
  const int axis = static_cast<int>(layer.axis() < 0 ? layer.axis() + rank : layer.axis());
  out_dims[static_cast<std::size_t>(axis)] = 0;
  for (ValueId v : xs) out_dims[static_cast<std::size_t>(axis)] += b.dims(v)[static_cast<std::size_t>(axis)];
  b.check_dims(node.outputs[0], out_dims, name);
  const ValueId out =
      merge_tree(xs, [&](const std::vector<ValueId>& group) { return concat_step(b, group, axis, name); });
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering add_lowering = {.lower = lower_as<core::Add, lower_add>};
const LayerLowering concatenate_lowering = {.lower = lower_as<core::Concatenate, lower_concatenate>};

}  // namespace inlay::runtime
