// The elementwise merges (merge.hpp) and Concatenate, on oneDNN's sum, binary and concat primitives. Inputs
// keep a spatial layout where they can (a residual connection or a squeeze-and-excitation gate between
// convolutions stays blocked); Concatenate works on Keras's row-major layout along the configured axis.
//
// Any number of inputs: oneDNN numbers a primitive's sources DNNL_ARG_MULTIPLE_SRC + i, ids that reach
// DNNL_ARG_MULTIPLE_DST at i = 1024 and DNNL_ARG_ATTR_ZERO_POINTS at i = 3072 (where a 3,073-input merge
// used to fail every predict). A sum or concat of more than kMaxSources inputs is a tree: sums (concats) of
// consecutive groups of at most kMaxSources, then of those partial results, until one value is left. The
// binary chain of the other merges has two sources per step.
#include <algorithm>
#include <optional>
#include <limits>
#include <cmath>

#include "runtime/merge.hpp"
#include "runtime/elementwise_steps.hpp"

#include "layers/add.hpp"
#include "layers/average.hpp"
#include "layers/maximum.hpp"
#include "layers/minimum.hpp"
#include "layers/multiply.hpp"
#include "layers/subtract.hpp"
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

// One sum primitive of at most kMaxSources values sharing `md`; returns the value it writes. Where oneDNN
// 2.6 has only its reference sum (a channel-blocked layout whose channels do not fill the last block, as AVX2
// convolutions give on narrow layers), a chain of jit binary adds in the same layout instead.
ValueId sum_step(PlanBuilder& b, const std::vector<ValueId>& xs, const memory::desc& md, const Value& like,
                 const std::string& name) {
  const std::vector<memory::desc> mds(xs.size(), md);
  const dnnl::sum::primitive_desc pd(md, std::vector<float>(xs.size(), 1.f), mds, b.engine(), b.attributes());
  if (reference_implementation(pd)) {
    ValueId acc = xs[0];
    for (std::size_t i = 1; i < xs.size(); ++i) {
      const dnnl::binary::primitive_desc add(dnnl::binary::desc(dnnl::algorithm::binary_add, md, md, md), b.attributes(),
                                             b.engine());
      const ValueId out = b.add_value(like.dims, md, like.spatial, like.spatial && like.channels_first);
      b.add_primitive(name, dnnl::binary(add), add.scratchpad_desc(),
                      {{DNNL_ARG_SRC_0, acc, md}, {DNNL_ARG_SRC_1, xs[i], md}, {DNNL_ARG_DST, out, md}});
      acc = out;
    }
    return acc;
  }
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

// --- the elementwise merges

// Keras's Merge.call on inputs of different ranks: expand_dims(x, axis=1) until every input has the largest
// rank (the non-batch axes align at the end, as Merge's shape inference aligns them).
std::vector<int64_t> expanded_dims(const std::vector<int64_t>& dims, std::size_t rank) {
  std::vector<int64_t> out = dims;
  out.insert(out.begin() + (out.empty() ? 0 : 1), static_cast<std::ptrdiff_t>(rank - dims.size()), int64_t{1});
  return out;
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string text = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + (dims.size() == 1 ? ",)" : ")");
}

// numpy's broadcast of shapes of one rank. Keras checked the symbolic shapes; concrete sizes given for None
// dims can still disagree.
std::vector<int64_t> broadcast_dims(const std::vector<std::vector<int64_t>>& shapes, const std::string& layer) {
  std::vector<int64_t> out = shapes.front();
  for (const auto& shape : shapes) {
    for (std::size_t k = 0; k < out.size(); ++k) {
      if (out[k] == 1) {
        out[k] = shape[k];
      } else if (shape[k] != 1 && shape[k] != out[k]) {
        throw core::Error(core::Status::InvalidArgument, "Layer '" + layer +
                                                             "': Inputs have incompatible shapes. Received shapes " +
                                                             dims_text(shapes.front()) + " and " + dims_text(shape));
      }
    }
  }
  return out;
}

// A plain copy of v (plain, of dims `from`) broadcast to dims `to`: for the rare merge in which no input has
// the output's shape (oneDNN's binary broadcasts its second source only).
ValueId broadcast_to(PlanBuilder& b, ValueId v, const std::vector<int64_t>& from, const std::vector<int64_t>& to,
                     const std::string& layer) {
  const ValueId out = b.add_plain(to);
  const std::size_t rank = to.size();
  std::vector<int64_t> strides(rank, 0);  // strides of `from`, 0 along the broadcast axes
  int64_t stride = 1;
  for (std::size_t k = rank; k-- > 0;) {
    strides[k] = from[k] == to[k] ? stride : 0;
    stride *= from[k];
  }
  const int64_t total = product(to, 0, rank);
  b.add_custom(
      layer,
      [v, out, to, strides, total](const RunContext& c) {
        const float* x = c.f32(v);
        float* y = c.f32(out);
        std::vector<int64_t> index(to.size(), 0);
        int64_t offset = 0;
        for (int64_t i = 0; i < total; ++i) {
          y[i] = x[offset];
          for (std::size_t k = to.size(); k-- > 0;) {  // the next index, last axis fastest
            offset += strides[k];
            if (++index[k] < to[k]) break;
            offset -= strides[k] * to[k];
            index[k] = 0;
          }
        }
      },
      {v}, {out});
  return out;
}

dnnl::algorithm binary_algorithm(MergeOp op) {
  switch (op) {
    case MergeOp::Add:
    case MergeOp::Average: return dnnl::algorithm::binary_add;
    case MergeOp::Subtract: return dnnl::algorithm::binary_sub;
    case MergeOp::Multiply: return dnnl::algorithm::binary_mul;
    case MergeOp::Maximum: return dnnl::algorithm::binary_max;
    case MergeOp::Minimum: return dnnl::algorithm::binary_min;
  }
  return dnnl::algorithm::binary_add;
}

// A value seen by a binary primitive: its id and the desc it is read through.
struct Operand {
  ValueId value;
  memory::desc md;
};

// How the chain lays out its values: the output's (Keras) dims, and the layout of its first source, which
// every step's destination takes (a spatial layout, possibly blocked, or Keras's row-major one).
struct ChainLayout {
  std::vector<int64_t> dims;
  memory::desc md;
  bool spatial = false;
  bool channels_first = false;
};

// Input v of (expanded) dims `shape` as the chain reads it: its own desc when it is a spatial value of the
// chain's format and rank, else a view of its plain bytes in the chain's axis order.
// In a channel-blocked chain (AVX2 convolutions' aBcd8b) every operand is reordered into the blocked layout
// first (a (1, C, 1, 1) broadcast costs a reorder of C floats): oneDNN 2.6 has jit binary kernels only for
// operands that share the blocked layout.
Operand operand(PlanBuilder& b, ValueId v, const std::vector<int64_t>& shape, const ChainLayout& layout,
                const std::string& layer) {
  const Value val = b.value(v);  // a copy: to_plain may add values
  if (!layout.spatial) return {b.to_plain(v, layer), plain_md(shape)};
  const bool same_format = val.spatial && val.channels_first == layout.channels_first && val.dims.size() == shape.size();
  const std::vector<int64_t> nc = nc_dims(shape, layout.channels_first);
  if (const std::optional<memory::desc> blocked = blocked_like(layout.md, nc)) {
    if (same_format && val.md == *blocked) return {v, val.md};
    const ValueId plain = same_format ? v : b.to_plain(v, layer);
    const memory::desc from = same_format ? val.md : nc_md(nc, !layout.channels_first);
    return {b.reorder(plain, from, *blocked, shape, true, layout.channels_first, layer), *blocked};
  }
  if (same_format) return {v, val.md};
  const ValueId plain = b.to_plain(v, layer);
  return {plain, nc_md(nc, !layout.channels_first)};
}

// One binary step: dst = a (op) c, c broadcast along its axes of size 1, then `ops`.
ValueId binary_step(PlanBuilder& b, dnnl::algorithm algorithm, const Operand& a, const Operand& c,
                    const ChainLayout& layout, const dnnl::post_ops& ops, const std::string& layer) {
  dnnl::primitive_attr attr = b.attributes();
  attr.set_post_ops(ops);
  const dnnl::binary::desc desc(algorithm, a.md, c.md, a.md);
  const dnnl::binary::primitive_desc pd(desc, attr, b.engine());
  const ValueId out = b.add_value(layout.dims, layout.spatial ? a.md : plain_md(layout.dims), layout.spatial,
                                  layout.channels_first);
  b.add_primitive(layer, dnnl::binary(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC_0, a.value, a.md}, {DNNL_ARG_SRC_1, c.value, c.md}, {DNNL_ARG_DST, out, a.md}});
  return out;
}

// y = alpha * x as one eltwise step in x's layout.
ValueId scale_step(PlanBuilder& b, ValueId x, float alpha, const std::string& layer) {
  return eltwise_step(b, x, dnnl::algorithm::eltwise_linear, alpha, 0.f, layer);
}

// Inputs of one shape summed by oneDNN's sum (Add, Average): in their shared spatial layout when they have
// one, else row-major.
ValueId sum_all(PlanBuilder& b, std::vector<ValueId> xs, const std::string& layer) {
  const Value first = b.value(xs[0]);  // a copy: adding values may move the plan's storage
  bool same_layout = first.spatial;
  for (ValueId v : xs) same_layout = same_layout && b.value(v).spatial && b.value(v).md == first.md;
  if (!same_layout) {
    for (ValueId& v : xs) v = b.to_plain(v, layer);
  }
  const memory::desc md = same_layout ? first.md : plain_md(first.dims);
  Value like = first;
  like.spatial = same_layout;
  return merge_tree(xs, [&](const std::vector<ValueId>& group) { return sum_step(b, group, md, like, layer); });
}

// The binary chain: ((x_first (op) x_second) (op) ...) where x_first has the output's shape. Keras applies
// the op in input order; the commutative ops start from the first input of the output's shape instead, and
// Subtract with a broadcast first input computes -(x1 - x0), which is the same float.
ValueId binary_chain(PlanBuilder& b, std::vector<ValueId> xs, std::vector<std::vector<int64_t>> shapes,
                     const std::vector<int64_t>& out_dims, MergeOp op, const std::string& layer) {
  std::size_t anchor = 0;
  while (anchor < xs.size() && shapes[anchor] != out_dims) ++anchor;
  if (anchor == xs.size()) {
    xs[0] = broadcast_to(b, b.to_plain(xs[0], layer), shapes[0], out_dims, layer);
    shapes[0] = out_dims;
    anchor = 0;
  }
  const Value first = b.value(xs[anchor]);
  const bool spatial = first.spatial && first.dims.size() == out_dims.size();
  ChainLayout layout{out_dims, first.md, spatial, spatial && first.channels_first};
  std::vector<std::size_t> order{anchor};
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (i != anchor) order.push_back(i);
  }
  Operand acc = operand(b, xs[anchor], shapes[anchor], layout, layer);
  layout.md = acc.md;
  for (std::size_t k = 1; k < order.size(); ++k) {
    dnnl::post_ops ops;
    const bool last = k + 1 == order.size();
    if (last && op == MergeOp::Average) {
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_linear, 1.f / static_cast<float>(xs.size()), 0.f);
    }
    if (op == MergeOp::Subtract && anchor == 1) ops.append_eltwise(1.f, dnnl::algorithm::eltwise_linear, -1.f, 0.f);
    const Operand next = operand(b, xs[order[k]], shapes[order[k]], layout, layer);
    acc = {binary_step(b, binary_algorithm(op), acc, next, layout, ops, layer), acc.md};
  }
  return acc.value;
}

}  // namespace

void lower_elementwise_merge(PlanBuilder& b, const Node& node, MergeOp op, const std::string& layer) {
  std::vector<ValueId> xs;
  std::size_t rank = 0;
  for (const KerasTensor* t : node.inputs) {
    xs.push_back(b.value_of(t));
    rank = std::max(rank, b.dims(xs.back()).size());
  }
  std::vector<std::vector<int64_t>> shapes;
  for (ValueId v : xs) shapes.push_back(expanded_dims(b.dims(v), rank));
  const std::vector<int64_t> out_dims = broadcast_dims(shapes, layer);
  b.check_dims(node.outputs[0], out_dims, layer);
  ValueId out;
  // (A merge has two inputs or more: Merge.build rejects a call on one tensor.)
  if ((op == MergeOp::Add || op == MergeOp::Average) &&
      std::all_of(xs.begin(), xs.end(), [&](ValueId v) { return b.dims(v) == out_dims; })) {
    out = sum_all(b, xs, layer);
    if (op == MergeOp::Average) out = scale_step(b, out, 1.f / static_cast<float>(xs.size()), layer);
  } else {
    out = binary_chain(b, std::move(xs), std::move(shapes), out_dims, op, layer);
  }
  b.set_output(node.outputs[0], out);
}

namespace {

// Keras masks through merges. Merge.compute_mask (Add, Subtract, Average): the OR of the inputs' masks when
// every input has one, else none. Concatenate.compute_mask over the last axis: the OR of the masks, an input
// without one counting as all kept. Both are an elementwise max of the 0/1 mask values, in one small step.
void set_merged_mask(PlanBuilder& b, const Node& node, bool missing_is_kept, const std::string& layer) {
  std::vector<ValueId> masks;
  bool missing = false;
  for (const KerasTensor* t : node.inputs) {
    if (const std::optional<ValueId> m = b.mask_of(t)) {
      masks.push_back(*m);
    } else {
      missing = true;
    }
  }
  if (masks.empty() || (missing && !missing_is_kept)) return;
  const std::vector<int64_t> dims = b.dims(masks[0]);
  for (ValueId m : masks) {
    if (b.dims(m) != dims) throw_unsupported(layer, "merging inputs whose Keras masks differ in shape");
  }
  const ValueId out = b.add_plain(dims);
  const auto n = static_cast<std::size_t>(product(dims, 0, dims.size()));
  b.add_custom(
      layer,
      [masks, out, n, missing](const RunContext& ctx) {
        float* dst = ctx.f32(out);
        std::fill_n(dst, n, missing ? 1.0f : 0.0f);
        for (ValueId m : masks) {
          const float* src = ctx.f32(m);
          for (std::size_t i = 0; i < n; ++i) dst[i] = std::max(dst[i], src[i]);
        }
      },
      masks, {out});
  b.set_mask(node.outputs[0], out);
}

// Multiply, Maximum and Minimum read their inputs' masks (their Keras _merge_function): Multiply takes 1 for
// a masked element and, when every input is masked, zeroes what the OR of the masks drops; Maximum / Minimum
// (_apply_merge_op_and_or_mask) fold left, taking the other operand where one is masked. Hand-written over
// inputs of the output's dims with (..., steps) masks of all but the last axis; the output mask is the OR.
float merge_pair(MergeOp op, float a, float b) {
  if (op == MergeOp::Multiply) return a * b;
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<float>::quiet_NaN();
  return op == MergeOp::Maximum ? std::max(a, b) : std::min(a, b);
}

bool lower_masked_merge(PlanBuilder& b, const Node& node, MergeOp op, const std::string& layer) {
  std::vector<ValueId> xs, masks;  // masks[i] = -1: input i has none
  for (const KerasTensor* t : node.inputs) {
    xs.push_back(b.to_plain(b.value_of(t), layer));
    const std::optional<ValueId> m = b.mask_of(t);
    masks.push_back(m ? *m : -1);
  }
  if (std::all_of(masks.begin(), masks.end(), [](ValueId m) { return m < 0; })) return false;
  const std::vector<int64_t> dims = b.dims(xs[0]);
  const std::vector<int64_t> step_dims(dims.begin(), dims.end() - (dims.empty() ? 0 : 1));
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (b.dims(xs[i]) != dims || (masks[i] >= 0 && b.dims(masks[i]) != step_dims)) {
      throw_unsupported(layer, "masked inputs of different shapes, or masks not over all but the last axis");
    }
  }
  b.check_dims(node.outputs[0], dims, layer);
  const bool all_masked = std::all_of(masks.begin(), masks.end(), [](ValueId m) { return m >= 0; });
  const ValueId out = b.add_plain(dims);
  const ValueId out_mask = b.add_plain(step_dims);
  const int64_t width = dims.empty() ? 1 : dims.back(), steps = product(step_dims, 0, step_dims.size());
  std::vector<ValueId> reads = xs;
  for (ValueId m : masks) {
    if (m >= 0) reads.push_back(m);
  }
  b.add_custom(
      layer,
      [xs, masks, out, out_mask, op, all_masked, width, steps](const RunContext& ctx) {
        float* y = ctx.f32(out);
        float* ym = ctx.f32(out_mask);
        for (int64_t s = 0; s < steps; ++s) {
          bool have_mask = true, kept = false;  // the running output mask (Maximum / Minimum: None once dropped)
          for (std::size_t i = 0; i < xs.size(); ++i) {
            const float* x = ctx.f32(xs[i]) + s * width;
            const bool masked_input = masks[i] >= 0;
            const bool keep = !masked_input || ctx.f32(masks[i])[s] != 0.0f;
            for (int64_t f = 0; f < width; ++f) {
              float v = x[f];
              float& acc = y[s * width + f];
              if (op == MergeOp::Multiply) {
                if (!keep) v = 1.0f;
                acc = i == 0 ? v : acc * v;
              } else if (i == 0) {
                acc = v;
              } else {
                if (!keep) v = acc;                      // x = where(mask, x, output)
                if (have_mask && !kept) acc = v;         // output = where(output_mask, output, x)
                acc = merge_pair(op, acc, v);
              }
            }
            if (op == MergeOp::Multiply) {
              kept = kept || (masked_input && keep);
            } else if (i == 0) {
              have_mask = masked_input;
              kept = keep;
            } else {
              have_mask = have_mask && masked_input;
              kept = have_mask && (kept || keep);
            }
          }
          const bool masked_output = op == MergeOp::Multiply ? all_masked : have_mask;
          if (op == MergeOp::Multiply && masked_output && !kept) std::fill_n(y + s * width, width, 0.0f);
          ym[s] = kept ? 1.0f : 0.0f;
        }
      },
      reads, {out, out_mask});
  b.set_output(node.outputs[0], out);
  // Multiply sets a mask when every input has one; Maximum / Minimum when the fold kept one to the end, which
  // for the left fold is again every input having one.
  if (all_masked) b.set_mask(node.outputs[0], out_mask);
  return true;
}

// The lowering of the elementwise merge class T, computing `op`.
template <typename T, MergeOp op>
void lower_merge(PlanBuilder& b, const T& layer, const Node& node) {
  const bool keeps_values = op == MergeOp::Add || op == MergeOp::Subtract || op == MergeOp::Average;
  if (!keeps_values && lower_masked_merge(b, node, op, layer.name())) return;
  lower_elementwise_merge(b, node, op, layer.name());
  if (keeps_values) set_merged_mask(b, node, false, layer.name());
}

}  // namespace

ValueId concat_values(PlanBuilder& b, const std::vector<ValueId>& xs, int axis, const std::string& layer) {
  return merge_tree(xs, [&](const std::vector<ValueId>& group) { return concat_step(b, group, axis, layer); });
}

namespace {

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
  const bool masked = std::any_of(node.inputs.begin(), node.inputs.end(), [&](const KerasTensor* t) {
    return b.mask_of(t).has_value();
  });
  if (masked && axis != rank - 1) throw_unsupported(name, "Keras masks on a concatenation over an axis but the last");
  set_merged_mask(b, node, true, name);
}

}  // namespace

const LayerLowering add_lowering = {.lower = lower_as<core::Add, lower_merge<core::Add, MergeOp::Add>>,
                                       .masking = Masking::Computes};
const LayerLowering subtract_lowering = {.lower = lower_as<core::Subtract, lower_merge<core::Subtract, MergeOp::Subtract>>,
                                       .masking = Masking::Computes};
const LayerLowering multiply_lowering = {.lower = lower_as<core::Multiply, lower_merge<core::Multiply, MergeOp::Multiply>>,
                                       .masking = Masking::Computes};
const LayerLowering average_lowering = {.lower = lower_as<core::Average, lower_merge<core::Average, MergeOp::Average>>,
                                       .masking = Masking::Computes};
const LayerLowering maximum_lowering = {.lower = lower_as<core::Maximum, lower_merge<core::Maximum, MergeOp::Maximum>>,
                                       .masking = Masking::Computes};
const LayerLowering minimum_lowering = {.lower = lower_as<core::Minimum, lower_merge<core::Minimum, MergeOp::Minimum>>,
                                       .masking = Masking::Computes};
const LayerLowering concatenate_lowering = {.lower = lower_as<core::Concatenate, lower_concatenate>,
                                            .masking = Masking::Computes};

}  // namespace inlay::runtime
