#include "runtime/einsum.hpp"

#include <map>
#include <memory>

#include "util/error.hpp"

namespace inlay::runtime {

using dnnl::memory;

namespace {

bool has(const std::string& labels, char c) { return labels.find(c) != std::string::npos; }

void check_distinct(const std::string& labels, const std::string& layer) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels.find(labels[i], i + 1) != std::string::npos) {
      throw_unsupported(layer, "an einsum with the label '" + std::string(1, labels[i]) + "' repeated in one operand");
    }
  }
}

using Sizes = std::map<char, int64_t>;

void record_sizes(Sizes& sizes, const std::string& labels, const std::vector<int64_t>& dims, const std::string& layer) {
  if (labels.size() != dims.size()) {
    throw core::Error(core::Status::InvalidArgument, "Layer '" + layer + "': an einsum operand of rank " +
                                                         std::to_string(dims.size()) + " for the labels '" + labels + "'");
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto [it, fresh] = sizes.emplace(labels[i], dims[i]);
    if (!fresh && it->second != dims[i]) {
      throw core::Error(core::Status::InvalidArgument,
                        "Layer '" + layer + "': einsum dimension '" + std::string(1, labels[i]) + "' is " +
                            std::to_string(it->second) + " in one operand and " + std::to_string(dims[i]) + " in another");
    }
  }
}

int64_t size_of(const Sizes& sizes, const std::string& labels) {
  int64_t n = 1;
  for (char c : labels) n *= sizes.at(c);
  return n;
}

std::vector<int64_t> dims_of(const Sizes& sizes, const std::string& labels) {
  std::vector<int64_t> dims;
  for (char c : labels) dims.push_back(sizes.at(c));
  return dims;
}

// Row-major values over `to` labels, read from values over `from` labels (a label of `to` missing from `from`
// repeats the values along it).
std::vector<float> arrange(std::span<const float> values, const std::string& from, const std::string& to,
                           const Sizes& sizes) {
  std::vector<int64_t> source_stride(to.size(), 0);
  int64_t stride = 1;
  for (std::size_t i = from.size(); i-- > 0;) {
    const std::size_t k = to.find(from[i]);
    if (k != std::string::npos) source_stride[k] = stride;
    stride *= sizes.at(from[i]);
  }
  const std::vector<int64_t> dims = dims_of(sizes, to);
  std::vector<float> out(static_cast<std::size_t>(size_of(sizes, to)));
  std::vector<int64_t> index(to.size(), 0);
  int64_t source = 0;
  for (float& v : out) {
    v = values[static_cast<std::size_t>(source)];
    for (std::size_t k = to.size(); k-- > 0;) {  // next index, row-major, keeping the source offset
      source += source_stride[k];
      if (++index[k] < dims[k]) break;
      source -= source_stride[k] * dims[k];
      index[k] = 0;
    }
  }
  return out;
}

// The labels' roles: out = (batch, free_x, free_w) after the matmul; contracted holds x's summed labels too.
struct Groups {
  std::string batch, free_x, contracted, free_w;
};

Groups classify(const std::string& xl, const std::string& wl, const std::string& ol, bool constant_w,
                const std::string& layer) {
  Groups g;
  for (char c : ol) {
    const bool in_x = has(xl, c), in_w = has(wl, c);
    if (in_x && in_w) g.batch.push_back(c);
    else if (in_x) g.free_x.push_back(c);
    else if (in_w) g.free_w.push_back(c);
    else throw_unsupported(layer, "an einsum output label '" + std::string(1, c) + "' in neither operand");
  }
  for (char c : xl) {
    if (has(ol, c)) continue;
    if (!has(wl, c) && !constant_w) throw_unsupported(layer, "an einsum summing over a label of one operand");
    g.contracted.push_back(c);
  }
  for (char c : wl) {
    if (!has(ol, c) && !has(xl, c)) throw_unsupported(layer, "an einsum summing over a label of the kernel alone");
  }
  return g;
}

// The bias over the output's trailing axes as a full-rank shape (leading 1s).
std::vector<int64_t> full_bias_dims(const EinsumOptions& o, std::size_t rank, const std::string& layer) {
  if (o.bias_dims.size() > rank) throw_unsupported(layer, "a bias of higher rank than its output");
  std::vector<int64_t> dims(rank - o.bias_dims.size(), 1);
  dims.insert(dims.end(), o.bias_dims.begin(), o.bias_dims.end());
  return dims;
}

// v + bias (broadcast) by one oneDNN binary primitive.
ValueId add_bias(PlanBuilder& b, ValueId v, std::span<const float> bias, const std::vector<int64_t>& bias_dims,
                 const std::string& layer) {
  const std::vector<int64_t>& dims = b.dims(v);
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (bias_dims[i] != 1 && bias_dims[i] != dims[i]) throw_unsupported(layer, "a bias that does not broadcast");
  }
  const memory::desc md = plain_md(dims), bias_md = plain_md(bias_dims);
  const dnnl::binary::desc desc(dnnl::algorithm::binary_add, md, bias_md, md);
  const dnnl::binary::primitive_desc pd(desc, b.attributes(), b.engine());
  const ValueId out = b.add_plain(dims);
  b.add_primitive(layer, dnnl::binary(pd), pd.scratchpad_desc(), {{DNNL_ARG_SRC_0, v, md}, {DNNL_ARG_DST, out, md}},
                  {{DNNL_ARG_SRC_1, b.constant(bias_md, bias.data(), bias_md)}});
  return out;
}

ValueId einsum_impl(PlanBuilder& b, ValueId x, const std::string& xl, std::optional<ValueId> w_value,
                    const EinsumKernel* w_const, const std::string& wl, const std::string& ol,
                    const EinsumOptions& options, const std::string& layer) {
  check_distinct(xl, layer);
  check_distinct(wl, layer);
  check_distinct(ol, layer);
  Sizes sizes;
  record_sizes(sizes, xl, b.dims(x), layer);
  record_sizes(sizes, wl, w_value ? b.dims(*w_value) : w_const->dims, layer);
  const Groups g = classify(xl, wl, ol, w_const != nullptr, layer);
  const std::string x_order = g.batch + g.free_x + g.contracted, w_order = g.batch + g.contracted + g.free_w;
  const std::string mm_out = g.batch + g.free_x + g.free_w;
  const int64_t batch = size_of(sizes, g.batch), m = size_of(sizes, g.free_x), k = size_of(sizes, g.contracted),
                n = size_of(sizes, g.free_w);
  if (batch == 0 || m == 0 || k == 0 || n == 0) throw_unsupported(layer, "an einsum over an empty dimension");

  x = permute_labels(b, x, xl, x_order, layer);
  const memory::desc x_md = plain_md({batch, m, k}), w_plain = plain_md({batch, k, n}), out_md = plain_md({batch, m, n});

  // The bias goes into the matmul when it varies along free_w alone and the result needs no permutation.
  std::vector<int64_t> bias_dims;
  if (!options.bias.empty()) bias_dims = full_bias_dims(options, ol.size(), layer);
  bool fused_bias = !options.bias.empty() && mm_out == ol && options.scale == 1.f;
  for (std::size_t i = 0; fused_bias && i < g.batch.size() + g.free_x.size(); ++i) fused_bias = bias_dims[i] == 1;

  dnnl::primitive_attr attr = b.attributes();
  if (options.scale != 1.f) attr.set_output_scales(0, {options.scale});
  const memory::desc w_md = w_value ? w_plain : memory::desc({batch, k, n}, memory::data_type::f32, memory::format_tag::any);
  const memory::desc bias_md = plain_md({1, 1, n});
  const auto desc = fused_bias ? dnnl::matmul::desc(x_md, w_md, bias_md, out_md) : dnnl::matmul::desc(x_md, w_md, out_md);
  const dnnl::matmul::primitive_desc pd(desc, attr, b.engine());

  std::vector<ValueArg> args = {{DNNL_ARG_SRC, x, x_md}};
  std::vector<ConstantArg> constants;
  if (w_value) {
    args.push_back({DNNL_ARG_WEIGHTS, permute_labels(b, *w_value, wl, w_order, layer), w_plain});
  } else {
    const std::vector<float> kernel = arrange(w_const->values, wl, w_order, sizes);
    constants.push_back({DNNL_ARG_WEIGHTS, b.constant(w_plain, kernel.data(), pd.weights_desc())});
  }
  if (fused_bias) {
    // the bias's trailing free_w axes, repeated where it has size 1
    std::string bias_labels;
    Sizes bias_sizes = sizes;
    const std::size_t first = ol.size() - g.free_w.size();
    for (std::size_t i = first; i < ol.size(); ++i) {
      if (bias_dims[i] != 1) bias_labels.push_back(ol[i]);
    }
    const std::vector<float> bias = arrange(options.bias, bias_labels, g.free_w, bias_sizes);
    constants.push_back({DNNL_ARG_BIAS, b.constant(bias_md, bias.data(), bias_md)});
  }
  const ValueId product_value = b.add_plain(dims_of(sizes, mm_out));
  args.push_back({DNNL_ARG_DST, product_value, out_md});
  b.add_primitive(layer, dnnl::matmul(pd), pd.scratchpad_desc(), std::move(args), std::move(constants));
  ValueId out = permute_labels(b, product_value, mm_out, ol, layer);
  if (!options.bias.empty() && !fused_bias) out = add_bias(b, out, options.bias, bias_dims, layer);
  return out;
}

}  // namespace

ValueId permute_labels(PlanBuilder& b, ValueId x, const std::string& from, const std::string& to,
                       const std::string& layer) {
  if (from == to) return x;
  const std::vector<int64_t> dims = b.dims(x);
  std::vector<int64_t> out_dims(to.size());
  memory::dims strides(dims.size());
  int64_t stride = 1;
  for (std::size_t k = to.size(); k-- > 0;) {
    const std::size_t source = from.find(to[k]);
    out_dims[k] = dims[source];
    strides[source] = stride;  // source axis `source` is axis k of the permuted row-major bytes
    stride *= out_dims[k];
  }
  const memory::desc permuted(to_dnnl(dims), memory::data_type::f32, strides);
  return b.reorder(x, plain_md(dims), permuted, out_dims, false, false, layer);
}

ValueId einsum_step(PlanBuilder& b, ValueId x, const std::string& x_labels, ValueId w, const std::string& w_labels,
                    const std::string& out_labels, const EinsumOptions& options, const std::string& layer) {
  return einsum_impl(b, x, x_labels, w, nullptr, w_labels, out_labels, options, layer);
}

ValueId einsum_step(PlanBuilder& b, ValueId x, const std::string& x_labels, const EinsumKernel& w,
                    const std::string& w_labels, const std::string& out_labels, const EinsumOptions& options,
                    const std::string& layer) {
  return einsum_impl(b, x, x_labels, std::nullopt, &w, w_labels, out_labels, options, layer);
}

}  // namespace inlay::runtime
