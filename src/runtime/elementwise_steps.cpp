#include "runtime/elementwise_steps.hpp"

#include <algorithm>

namespace inlay::runtime {

ValueId eltwise_step(PlanBuilder& b, ValueId v, dnnl::algorithm alg, float alpha, float beta, const std::string& layer) {
  auto pd_of = [&](const dnnl::memory::desc& md) {
    return dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, alg, md, alpha, beta), b.attributes(),
        b.engine());
  };
  dnnl::eltwise_forward::primitive_desc pd = pd_of(b.value(v).md);
  // oneDNN 2.6 has no jit eltwise for a channel-blocked layout whose channels do not fill the last block
  // (AVX2 convolutions' aBcd8b with 6 channels): the plain bytes go faster, reorder included.
  if (reference_implementation(pd) && !b.is_plain(v)) {
    v = b.to_plain(v, layer);
    pd = pd_of(b.value(v).md);
  }
  const Value in = b.value(v);  // a copy: adding values may move the plan's storage
  const ValueId out = b.add_value(in.dims, in.md, in.spatial, in.channels_first);
  b.add_primitive(layer, dnnl::eltwise_forward(pd), pd.scratchpad_desc(),
                  {{DNNL_ARG_SRC, v, in.md}, {DNNL_ARG_DST, out, in.md}});
  return out;
}

std::vector<int64_t> collapse_broadcast(const std::vector<int64_t>& dims, std::vector<std::vector<int64_t>*> params) {
  if (dims.empty() || std::find(dims.begin(), dims.end(), 0) != dims.end()) return dims;
  // Per axis and parameter: 'f' spans the axis, 'b' broadcasts over it, '*' either (an axis of size 1).
  auto kind = [&](const std::vector<int64_t>& p, std::size_t i) { return dims[i] == 1 ? '*' : (p[i] == 1 ? 'b' : 'f'); };
  std::vector<int64_t> out = {dims[0]};
  std::vector<std::vector<int64_t>> shapes(params.size());
  std::vector<char> run(params.size(), '*');  // the kind of each parameter over the current merged axis
  for (std::size_t k = 0; k < params.size(); ++k) {
    shapes[k] = {(*params[k])[0]};
    run[k] = kind(*params[k], 0);
  }
  for (std::size_t i = 1; i < dims.size(); ++i) {
    bool mergeable = true;
    for (std::size_t k = 0; k < params.size(); ++k) {
      const char c = kind(*params[k], i);
      mergeable = mergeable && (c == '*' || run[k] == '*' || c == run[k]);
    }
    for (std::size_t k = 0; k < params.size(); ++k) {
      const char c = kind(*params[k], i);
      if (mergeable) {
        shapes[k].back() *= (*params[k])[i];
        if (run[k] == '*') run[k] = c;
      } else {
        shapes[k].push_back((*params[k])[i]);
        run[k] = c;
      }
    }
    if (mergeable) {
      out.back() *= dims[i];
    } else {
      out.push_back(dims[i]);
    }
  }
  for (std::size_t k = 0; k < params.size(); ++k) *params[k] = std::move(shapes[k]);
  return out;
}

ValueId broadcast_affine(PlanBuilder& b, ValueId v, dnnl::algorithm first, const BroadcastParam& p1,
                         dnnl::algorithm second, const BroadcastParam& p2, const std::string& layer) {
  v = b.to_plain(v, layer);
  const std::vector<int64_t> dims = b.dims(v);
  std::vector<int64_t> shape1 = p1.shape, shape2 = p2.shape;
  const std::vector<int64_t> view = collapse_broadcast(dims, {&shape1, &shape2});
  const dnnl::memory::desc src_md = plain_md(view);
  const dnnl::memory::desc md1 = plain_md(shape1), md2 = plain_md(shape2);
  dnnl::post_ops ops;
  ops.append_binary(second, md2);
  dnnl::primitive_attr attr = b.attributes();
  attr.set_post_ops(ops);
  const dnnl::binary::desc desc(first, src_md, md1, src_md);
  const dnnl::binary::primitive_desc pd(desc, attr, b.engine());
  const ValueId out = b.add_plain(dims);
  b.add_primitive(layer, dnnl::binary(pd), pd.scratchpad_desc(), {{DNNL_ARG_SRC_0, v, src_md}, {DNNL_ARG_DST, out, src_md}},
                  {{DNNL_ARG_SRC_1, b.constant(md1, p1.values.data(), md1)},
                   {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, b.constant(md2, p2.values.data(), md2)}});
  return out;
}

bool broadcast_against(const std::vector<int64_t>& param_shape, const std::vector<float>& values,
                       const std::vector<int64_t>& dims, BroadcastParam& out) {
  if (param_shape.size() > dims.size()) return false;
  const std::size_t lead = dims.size() - param_shape.size();
  out.shape.assign(dims.size(), 1);
  for (std::size_t i = 0; i < param_shape.size(); ++i) {
    const int64_t p = param_shape[i], d = dims[lead + i];
    if (p != 1 && p != d) return false;
    // A size-1 parameter axis against a size-0 input axis stays 1 (oneDNN broadcasts it).
    out.shape[lead + i] = p;
  }
  out.values = values;
  return true;
}

}  // namespace inlay::runtime
