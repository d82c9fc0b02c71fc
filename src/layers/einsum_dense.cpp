#include "layers/einsum_dense.hpp"

#include <algorithm>
#include <map>

#include "layers/quantized_config.hpp"
#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

constexpr std::size_t kMaxEquationChars = 256;

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The run of letters at `pos` (advanced past it).
std::string letters(const std::string& s, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < s.size() && is_letter(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

bool expect(const std::string& s, std::size_t& pos, std::string_view text) {
  if (s.compare(pos, text.size(), text) != 0) return false;
  pos += text.size();
  return true;
}

// The three specs of one of Keras's re.match patterns (a prefix match: anything after them is ignored).
enum class Elision { None, Left, Right };
struct SplitEquation {
  std::string input, weight, output;
  Elision elision = Elision::None;
};

std::optional<SplitEquation> match(const std::string& s, Elision elision) {
  SplitEquation eq{{}, {}, {}, elision};
  std::size_t pos = 0;
  if (elision == Elision::Left && !expect(s, pos, "0")) return std::nullopt;
  eq.input = letters(s, pos);
  if (eq.input.size() < (elision == Elision::Right ? 2u : 1u)) return std::nullopt;
  if (elision == Elision::Right && !expect(s, pos, "0")) return std::nullopt;
  if (!expect(s, pos, ",")) return std::nullopt;
  eq.weight = letters(s, pos);
  if (eq.weight.empty() || !expect(s, pos, "->")) return std::nullopt;
  if (elision == Elision::Left && !expect(s, pos, "0")) return std::nullopt;
  eq.output = letters(s, pos);
  if (eq.output.empty()) return std::nullopt;
  if (elision == Elision::Right && !expect(s, pos, "0")) return std::nullopt;
  return eq;
}

std::string dim_text(int64_t d) { return d < 0 ? "None" : std::to_string(d); }

// Python's list index: negative counts from the end; IndexError past either end.
int64_t at(const std::vector<int64_t>& v, int64_t i) {
  const int64_t n = static_cast<int64_t>(v.size());
  if (i < -n || i >= n) throw_invalid("tuple index out of range");
  return v[static_cast<std::size_t>(i < 0 ? i + n : i)];
}

// The runtime's labels: the ellipsis axes get digits, the specs keep their letters.
EinsumLabels labels_of(const SplitEquation& eq, int64_t elided) {
  std::string ellipsis;
  // chars 0x80.. are no letter and no digit; past 128 axes they repeat (the runtime refuses repeated labels)
  for (int64_t i = 0; i < std::max<int64_t>(elided, 0); ++i) ellipsis.push_back(static_cast<char>(0x80 + i % 128));
  if (eq.elision == Elision::Left) return {ellipsis + eq.input, eq.weight, ellipsis + eq.output};
  if (eq.elision == Elision::Right) return {eq.input + ellipsis, eq.weight, eq.output + ellipsis};
  return {eq.input, eq.weight, eq.output};
}

// _analyze_split_string.
EinsumAnalysis analyze_split(const SplitEquation& eq, const std::optional<std::string>& bias_axes,
                             const std::vector<int64_t>& input_shape, std::vector<int64_t> output_shape) {
  const bool left = eq.elision == Elision::Left;
  const int64_t rank = static_cast<int64_t>(input_shape.size());
  const int64_t elided = rank - static_cast<int64_t>(eq.input.size());
  output_shape.insert(output_shape.begin(), at(input_shape, 0));
  if (elided > 0 && left) {
    for (int64_t i = 1; i < elided; ++i) output_shape.insert(output_shape.begin() + 1, input_shape[i]);
  } else if (elided > 0) {
    for (int64_t i = rank - elided; i < rank; ++i) output_shape.push_back(input_shape[i]);
  }
  std::map<char, int64_t> input_dim, output_dim;  // later letters win, as in Python's dict comprehension
  for (std::size_t i = 0; i < eq.input.size(); ++i) {
    input_dim[eq.input[i]] = left ? static_cast<int64_t>(i) + elided - rank : static_cast<int64_t>(i);
  }
  for (std::size_t i = 0; i < eq.output.size(); ++i) {
    output_dim[eq.output[i]] = static_cast<int64_t>(i) + (left ? elided : 0);
  }
  for (char dim : eq.input) {
    const int64_t in = at(input_shape, input_dim[dim]);
    auto it = output_dim.find(dim);
    if (it == output_dim.end()) continue;
    const int64_t out = at(output_shape, it->second);
    if (out >= 0 && out != in) {
      throw_invalid(std::string("Input shape and output shape do not match at shared dimension '") + dim +
                    "'. Input shape is " + dim_text(in) + ", and output shape is " + dim_text(out) + ".");
    }
  }
  for (char dim : eq.output) {
    if (eq.input.find(dim) == std::string::npos && eq.weight.find(dim) == std::string::npos) {
      throw_invalid(std::string("Dimension '") + dim + "' was specified in the output '" + eq.output +
                    "' but has no corresponding dim in the input spec '" + eq.input + "' or weight spec '" +
                    eq.output + "'");  // sic: Keras names the output spec twice
    }
  }
  EinsumAnalysis result;
  for (char dim : eq.weight) {
    if (auto it = output_dim.find(dim); it != output_dim.end()) {
      result.kernel_shape.push_back(at(output_shape, it->second));
    } else if (auto in = input_dim.find(dim); in != input_dim.end()) {
      result.kernel_shape.push_back(at(input_shape, in->second));
    } else {
      throw_invalid(std::string("Weight dimension '") + dim + "' did not have a match in either the input spec '" +
                    eq.input + "' or the output spec '" + eq.output +
                    "'. For this layer, the weight must be fully specified.");
    }
  }
  if (bias_axes) {
    const int64_t left_elided = left ? elided : 0;
    for (char c : *bias_axes) {
      if (eq.output.find(c) == std::string::npos) {
        throw_invalid(std::string("Bias dimension '") + c + "' was requested, but is not part of the output spec '" +
                      eq.output + "'");
      }
    }
    std::size_t first = eq.output.size();
    for (char c : *bias_axes) first = std::min(first, eq.output.find(c));
    std::vector<int64_t> bias;
    for (std::size_t i = first; i < eq.output.size(); ++i) {
      const char c = eq.output[i];
      // idx_map: the last position of c in the output spec gives its size
      const std::size_t last = eq.output.rfind(c);
      bias.push_back(bias_axes->find(c) != std::string::npos
                         ? at(output_shape, static_cast<int64_t>(last) + left_elided)
                         : 1);
    }
    if (!left) bias.insert(bias.end(), static_cast<std::size_t>(std::max<int64_t>(elided, 0)), 1);
    result.bias_shape = std::move(bias);
  }
  result.output_shape = std::move(output_shape);
  result.labels = labels_of(eq, elided);
  return result;
}

// tuple(output_shape) of ints / None (an int alone is (int,)).
std::vector<int64_t> partial_shape(const Json& value) {
  std::vector<int64_t> dims;
  auto dim = [](const Json& d) -> int64_t {
    if (d.is_null()) return -1;
    if (d.is_number_integer() && d.get<int64_t>() >= 0) return d.get<int64_t>();
    throw Error(Status::Unsupported, "EinsumDense: output_shape entries must be non-negative ints or None, got " +
                                         python::repr_prefix(d, kMaxQuotedBytes));
  };
  if (value.is_array()) {
    for (const Json& d : value) dims.push_back(dim(d));
  } else {
    dims.push_back(dim(value));
  }
  return dims;
}

}  // namespace

EinsumAnalysis analyze_einsum(const std::string& equation, const std::optional<std::string>& bias_axes,
                              const std::vector<int64_t>& input_shape, const std::vector<int64_t>& output_shape) {
  std::string replaced;  // re.sub(r"\.\.\.", "0", equation)
  for (std::size_t i = 0; i < equation.size(); ++i) {
    if (equation.compare(i, 3, "...") == 0) {
      replaced.push_back('0');
      i += 2;
    } else {
      replaced.push_back(equation[i]);
    }
  }
  for (Elision e : {Elision::None, Elision::Left, Elision::Right}) {
    if (auto eq = match(replaced, e)) return analyze_split(*eq, bias_axes, input_shape, output_shape);
  }
  throw_invalid("Invalid einsum equation '" + equation +
                "'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....");
}

std::unique_ptr<Layer> EinsumDense::from_config(Graph& graph, const Json& given) {
  // A quantized policy is read here; the float reader below sees the policy it was quantized from.
  Quantization quantization = read_quantization(kClassName, given);
  const Json config = with_source_dtype(given, quantization);
  LayerArgs args(kClassName, config);
  const Json equation = args.require("equation");
  const Json output_shape = args.require("output_shape");
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"equation", "output_shape", "activation", "bias_axes", "kernel_initializer", "bias_initializer",
       "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint", "lora_rank", "lora_alpha",
       "gptq_unpacked_column_size", "quantization_config"});
  std::unique_ptr<EinsumDense> layer(new EinsumDense(std::move(base)));
  layer->equation_arg_ = equation;  // a non-string fails in build, as Keras's re.sub does
  if (equation.is_string()) layer->equation_ = equation.get<std::string>();
  // The analysis compares every label of one spec with the others': bounded lengths keep it cheap on
  // hostile configs (a real equation has a few labels; 52 letters exist).
  if (layer->equation_.size() > kMaxEquationChars) {
    throw Error(Status::Unsupported, "EinsumDense: an equation of more than " + std::to_string(kMaxEquationChars) +
                                         " characters");
  }
  layer->partial_output_shape_ = partial_shape(output_shape);
  layer->output_shape_arg_ = Json::array();
  for (int64_t d : layer->partial_output_shape_) layer->output_shape_arg_.push_back(d < 0 ? Json() : Json(d));
  const Json bias_axes = args.take("bias_axes");
  if (!bias_axes.is_null()) {
    if (!bias_axes.is_string()) {
      throw Error(Status::Unsupported, "EinsumDense: bias_axes must be a string, got " +
                                           python::repr_prefix(bias_axes, kMaxQuotedBytes));
    }
    layer->bias_axes_ = bias_axes.get<std::string>();
    if (layer->bias_axes_->size() > kMaxEquationChars) {
      throw Error(Status::Unsupported, "EinsumDense: bias_axes of more than " + std::to_string(kMaxEquationChars) +
                                           " characters");
    }
  }
  layer->activation_ = parse_activation(args.take("activation"));
  layer->kernel_initializer_ = serialize_initializer(args.take("kernel_initializer", "glorot_uniform"));
  layer->bias_initializer_ = serialize_initializer(args.take("bias_initializer", "zeros"));
  layer->kernel_regularizer_ = serialize_regularizer(args.take("kernel_regularizer"));
  layer->bias_regularizer_ = serialize_regularizer(args.take("bias_regularizer"));
  layer->kernel_constraint_ = serialize_constraint(args.take("kernel_constraint"));
  layer->bias_constraint_ = serialize_constraint(args.take("bias_constraint"));
  if (!args.take("lora_rank").is_null()) {
    throw Error(Status::Unsupported, "EinsumDense: LoRA (lora_rank) is a training feature inlay does not support.");
  }
  args.take("lora_alpha");
  args.take("gptq_unpacked_column_size");
  layer->quantization_config_ = quantization_config_as_keras_gives_it(args.take("quantization_config"));
  layer->quantization_ = std::move(quantization);
  return layer;
}

std::vector<InputSpec> EinsumDense::input_specs() const {
  InputSpec spec;
  if (built()) spec.ndim = input_rank_;
  return {spec};
}

void EinsumDense::build(const std::vector<const KerasTensor*>& inputs) { build_for_shape(inputs.front()->shape()); }

void EinsumDense::build_for_shape(const Shape& shape) {
  if (!shape.has_rank()) throw Error(Status::Unsupported, "EinsumDense: an input of unknown rank");
  if (!equation_arg_.is_string()) {
    const std::string type = python::type_name(equation_arg_);  // "<class 'int'>"
    throw_invalid("expected string or bytes-like object, got " + type.substr(7, type.size() - 8));
  }
  const EinsumAnalysis a = analysis(shape.dims());
  input_rank_ = shape.rank();
  if (quantization_.quantized()) return build_quantized(a);
  add_weight("kernel", Shape(a.kernel_shape), base_.trainable);
  if (a.bias_shape) add_weight("bias", Shape(*a.bias_shape), base_.trainable);
}

// Keras's variables of a quantized EinsumDense, in the order it saves them (variable_serialization_spec).
void EinsumDense::build_quantized(const EinsumAnalysis& a) {
  const bool trainable = base_.trainable;
  for (int64_t d : a.kernel_shape) {
    if (d < 0) throw_invalid("EinsumDense: a quantized kernel needs every dimension known, got " + Shape(a.kernel_shape).to_tuple_string());
  }
  auto integers = [this](const char* name, Shape shape) { add_weight(name, std::move(shape), false).keras_bits = 8; };
  auto add_variables = [this](const std::vector<QuantizedVariable>& variables) {
    for (const QuantizedVariable& v : variables) add_weight(v.name, v.shape, v.trainable).keras_bits = v.keras_bits;
  };
  auto bias = [&] {
    if (a.bias_shape) add_weight("bias", Shape(*a.bias_shape), trainable);
  };
  switch (quantization_.mode) {
    case QuantizationMode::Int8: {
      integers("kernel", Shape(a.kernel_shape));
      bias();
      const EinsumQuantization q = analyze_einsum_quantization(a.labels);
      add_weight("kernel_scale", Shape(lay_out_scale(a.kernel_shape, q.kernel).dims), false);
      return;
    }
    case QuantizationMode::Int4: {
      // The kernel as a (contracted, other) matrix (a plain reshape), two int4 values per byte along its rows.
      const EinsumQuantization q = analyze_einsum_quantization(a.labels);
      int64_t rows = 1, columns = 1;
      for (std::size_t i = 0; i < a.kernel_shape.size(); ++i) {
        const bool reduced = std::find(q.kernel.reduced.begin(), q.kernel.reduced.end(), static_cast<int>(i)) !=
                             q.kernel.reduced.end();
        (reduced ? rows : columns) *= a.kernel_shape[i];
      }
      integers("kernel", Shape({rows, (columns + 1) / 2}));
      bias();
      add_variables(int4_scale_variables(rows, columns, quantization_.block_size));
      return;
    }
    case QuantizationMode::Float8:
      add_weight("kernel", Shape(a.kernel_shape), trainable);
      bias();
      add_variables(float8_variables(quantization_.amax_history_length));
      return;
    case QuantizationMode::None: break;
  }
}

namespace {

// Python's list.insert(index, value): a negative index counts from the end, out-of-range ones clamp.
void python_insert(std::vector<int>& list, int index, int value) {
  const int size = static_cast<int>(list.size());
  if (index < 0) index = std::max(0, index + size);
  list.insert(list.begin() + std::min(index, size), value);
}

}  // namespace

EinsumQuantization analyze_einsum_quantization(const EinsumLabels& labels) {
  const std::string& out = labels.output;
  EinsumQuantization q;
  auto axes = [&out](const std::string& spec, ScaleLayout& layout) {
    for (std::size_t i = 0; i < spec.size(); ++i) {
      if (out.find(spec[i]) == std::string::npos) layout.reduced.push_back(static_cast<int>(i));
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      const std::size_t at = spec.find(out[i]);
      if (at == std::string::npos) layout.expand.push_back(static_cast<int>(i));
      else layout.transpose.push_back(static_cast<int>(at));
    }
  };
  axes(labels.input, q.input);
  axes(labels.kernel, q.kernel);
  // Keras reuses one Python variable `index` across these loops: before them it holds the output position of
  // the kernel's last label (-1 when absent); a reduced axis with no expand axis left is inserted there.
  int index = labels.kernel.empty() ? -1 : static_cast<int>(static_cast<int64_t>(out.find(labels.kernel.back())));
  for (ScaleLayout* layout : {&q.input, &q.kernel}) {
    for (int original : layout->reduced) {
      if (!layout->expand.empty()) {
        index = layout->expand.front();
        layout->expand.erase(layout->expand.begin());
      } else {
        layout->squeeze.push_back(original);
      }
      python_insert(layout->transpose, index, original);
    }
  }
  return q;
}

StridedDims lay_out_scale(const std::vector<int64_t>& operand_dims, const ScaleLayout& layout) {
  StridedDims in{operand_dims, std::vector<int64_t>(operand_dims.size(), 0)};
  for (int r : layout.reduced) in.dims[static_cast<std::size_t>(r)] = 1;
  int64_t stride = 1;
  for (std::size_t i = in.dims.size(); i-- > 0;) {
    in.strides[i] = in.dims[i] == 1 ? 0 : stride;
    stride *= in.dims[i];
  }
  StridedDims out;
  for (int axis : layout.transpose) {
    if (axis < 0 || static_cast<std::size_t>(axis) >= in.dims.size()) throw_invalid("EinsumDense: bad scale transpose");
    out.dims.push_back(in.dims[static_cast<std::size_t>(axis)]);
    out.strides.push_back(in.strides[static_cast<std::size_t>(axis)]);
  }
  std::vector<int> expand = layout.expand;
  std::sort(expand.begin(), expand.end());
  for (int axis : expand) {
    const std::size_t at = std::min(static_cast<std::size_t>(std::max(axis, 0)), out.dims.size());
    out.dims.insert(out.dims.begin() + static_cast<std::ptrdiff_t>(at), 1);
    out.strides.insert(out.strides.begin() + static_cast<std::ptrdiff_t>(at), 0);
  }
  std::vector<int> squeeze = layout.squeeze;
  std::sort(squeeze.rbegin(), squeeze.rend());
  for (int axis : squeeze) {
    if (axis < 0 || static_cast<std::size_t>(axis) >= out.dims.size() || out.dims[static_cast<std::size_t>(axis)] != 1) {
      throw_invalid("EinsumDense: cannot squeeze axis " + std::to_string(axis) + " of the quantization scale");
    }
    out.dims.erase(out.dims.begin() + axis);
    out.strides.erase(out.strides.begin() + axis);
  }
  return out;
}

std::vector<TypeSpec> EinsumDense::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] {
    return std::vector<TypeSpec>{
        TypeSpec::tensor(Shape(analysis(inputs.front()->shape().dims()).output_shape), base_.compute_dtype())};
  });
}

Json EinsumDense::get_config() const {
  Json config = base_.to_json();
  config["output_shape"] = output_shape_arg_;
  config["equation"] = equation_arg_;
  config["activation"] = activation_name(activation_);
  config["bias_axes"] = bias_axes_ ? Json(*bias_axes_) : Json();
  config["kernel_initializer"] = *kernel_initializer_;
  config["bias_initializer"] = *bias_initializer_;
  config["kernel_regularizer"] = *kernel_regularizer_;
  config["bias_regularizer"] = *bias_regularizer_;
  config["activity_regularizer"] = base_.activity_regularizer;
  config["kernel_constraint"] = *kernel_constraint_;
  config["bias_constraint"] = *bias_constraint_;
  config["quantization_config"] = quantization_config_;
  if (quantization_.quantized()) config["dtype"] = quantization_.policy;
  return config;
}

}  // namespace inlay::core
