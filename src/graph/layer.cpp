#include "graph/layer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>

#include "graph/graph.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// Weights at least this large are asked of malloc (and freed at once) when the layer is built.
constexpr std::uint64_t kProbeAllocationBytes = std::uint64_t{1} << 28;  // 256 MiB

Error weight_out_of_memory(const std::string& path, const Shape& shape, std::uint64_t count) {
  return Error(Status::OutOfMemory, "Cannot allocate variable path='" + path + "' of shape=" + shape.to_tuple_string() +
                                        " (" + std::to_string(count) + " float32 values): out of memory");
}

Json shapes_json(const std::vector<KerasTensor*>& inputs) {
  if (inputs.size() == 1) return inputs.front()->shape().to_json();
  Json shapes = Json::array();
  for (const KerasTensor* x : inputs) shapes.push_back(x->shape().to_json());
  return shapes;
}

}  // namespace

const std::vector<KerasTensor*>& Layer::outputs() const {
  static const std::vector<KerasTensor*> none;
  return nodes_.empty() ? none : nodes_.front().outputs;
}

const std::string& Node::keyword(std::size_t i) const {
  static const std::string positional;
  return i < keywords.size() ? keywords[i] : positional;
}

std::vector<KerasTensor*> Node::graph_inputs() const {
  std::vector<KerasTensor*> all = inputs;
  all.insert(all.end(), mask_inputs.begin(), mask_inputs.end());
  return all;
}

void Layer::add_node(std::vector<KerasTensor*> inputs, std::vector<KerasTensor*> outputs, CallArguments args) {
  const int node_index = static_cast<int>(nodes_.size());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    outputs[i]->set_history({this, node_index, static_cast<int>(i)});
  }
  Node node;
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  node.id = graph_->next_node_id();
  if (std::any_of(args.keywords.begin(), args.keywords.end(), [](const std::string& k) { return !k.empty(); })) {
    node.keywords = std::move(args.keywords);
  }
  node.options = std::move(args.options);
  node.mask_inputs = std::move(args.mask_inputs);
  nodes_.push_back(std::move(node));
}

// Keras 3's form: the positional tensors as "args" (one alone, several as one list), the keyword tensors, the
// options and the masks in "kwargs" after the layer's own node_kwargs(). `tensors` are node.graph_inputs().
Json Layer::serialize_call(std::size_t node_index, std::vector<Json> tensors) const {
  const Node& node = nodes_.at(node_index);
  std::vector<Json> positional;
  Json kwargs = node_kwargs();
  const std::vector<std::string_view> lists = call_list_keywords();
  for (std::size_t i = 0; i < node.inputs.size() && i < tensors.size(); ++i) {
    const std::string& keyword = node.keyword(i);
    if (keyword.empty()) {
      positional.push_back(std::move(tensors[i]));
    } else if (std::find(lists.begin(), lists.end(), keyword) != lists.end()) {
      kwargs[keyword].push_back(std::move(tensors[i]));
    } else {
      kwargs[keyword] = std::move(tensors[i]);
    }
  }
  for (const std::string_view keyword : lists) {
    const std::string key(keyword);
    if (kwargs.contains(key)) kwargs[key] = nest_call_list(keyword, std::move(kwargs[key]));
  }
  for (const auto& [key, value] : node.options.items()) kwargs[key] = value;
  if (tensors.size() > node.inputs.size()) {
    Json masks = Json::array();
    for (std::size_t i = node.inputs.size(); i < tensors.size(); ++i) masks.push_back(std::move(tensors[i]));
    kwargs["mask"] = masks.size() == 1 ? std::move(masks.front()) : std::move(masks);
  }
  Json args = Json::array();
  if (positional.size() == 1 || call_takes_separate_arguments()) {
    for (Json& tensor : positional) args.push_back(std::move(tensor));
  } else {
    args.push_back(Json(std::move(positional)));
  }
  return Json{{"args", std::move(args)}, {"kwargs", std::move(kwargs)}};
}

Json Layer::build_config() const {
  // The first call built the layer, and its node is the first: its input shapes are the build shapes.
  if (!built_ || !records_build_config() || nodes_.empty()) return nullptr;
  return Json{{"input_shape", shapes_json(nodes_.front().inputs)}};
}

Weight& Layer::add_weight(const std::string& weight_name, Shape shape, bool trainable) {
  const auto count = shape.num_elements();
  if (!count) {
    throw_invalid("Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: "
                  "shape=" + shape.to_tuple_string() + " for variable path='" + name_ + "/" + weight_name + "'");
  }
  std::string path = name_ + "/" + weight_name;
  const auto n = static_cast<std::uint64_t>(*count);
  if (n > std::numeric_limits<std::size_t>::max() / sizeof(float)) throw weight_out_of_memory(path, shape, n);
  // A size the machine cannot hold fails here, when the layer is built, as in Keras; but nothing is kept: a
  // config declaring gigabytes must cost nothing until its weights are written, so that a model file is
  // checked against the data it holds first (io::check_weight_budget). Huge sizes are asked of malloc and
  // freed at once (untouched pages: no memory used); malloc says no by returning NULL, where operator new
  // under AddressSanitizer would abort.
  if (n * sizeof(float) >= kProbeAllocationBytes) {
    void* probe = std::malloc(static_cast<std::size_t>(n) * sizeof(float));
    if (probe == nullptr) throw weight_out_of_memory(path, shape, n);
    std::free(probe);
  }
  try {
    if (weights_.empty()) weights_.reserve(2);  // a kernel and a bias, most often: no regrowth between them
    return weights_.emplace_back(weight_name, std::move(path), std::move(shape), trainable,
                                 static_cast<std::size_t>(n));
  } catch (const std::bad_alloc&) {
    throw Error(Status::OutOfMemory, "Cannot add variable '" + weight_name + "' to layer '" + name_ + "': out of memory");
  }
}

Weight::Weight(std::string name_, std::string path_, Shape shape_, bool trainable_, std::size_t count)
    : name(std::move(name_)), path(std::move(path_)), shape(std::move(shape_)), trainable(trainable_),
      count_(count) {}

Weight::~Weight() { std::free(data_.load(std::memory_order_relaxed)); }

Weight::Weight(Weight&& other) noexcept
    : name(std::move(other.name)), path(std::move(other.path)), shape(std::move(other.shape)),
      trainable(other.trainable), keras_bits(other.keras_bits), count_(other.count_),
      data_(other.data_.exchange(nullptr, std::memory_order_relaxed)) {}

Weight& Weight::operator=(Weight&& other) noexcept {
  if (this != &other) {
    name = std::move(other.name);
    path = std::move(other.path);
    keras_bits = other.keras_bits;
    shape = std::move(other.shape);
    trainable = other.trainable;
    count_ = other.count_;
    std::free(data_.exchange(other.data_.exchange(nullptr, std::memory_order_relaxed), std::memory_order_relaxed));
  }
  return *this;
}

float* Weight::allocate() const {
  // calloc rather than new: it returns NULL instead of throwing (or, under ASan, aborting) for a size the
  // machine cannot hold, and hands large sizes fresh zero pages without writing them.
  auto* data = static_cast<float*>(std::calloc(count_, sizeof(float)));
  if (data == nullptr) throw weight_out_of_memory(path, shape, count_);
  return data;
}

std::span<const float> Weight::values() const {
  const float* data = data_.load(std::memory_order_acquire);
  if (data != nullptr) return {data, count_};
  if (count_ <= kLazyValues) return {zeros(), count_};
  // A large unwritten weight: its own zeros, published once. Plans are compiled from many threads at once, so
  // concurrent first reads race here; each allocates, one compare-and-swap wins and the others free theirs and
  // read the winner's (the runtime's readers stay unaware of lazy weights, which lowering each of them to
  // "unwritten means zeros" would spread over every layer's lowering).
  float* fresh = allocate();
  float* expected = nullptr;
  if (data_.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) {
    return {fresh, count_};
  }
  std::free(fresh);
  return {expected, count_};
}

float* Weight::mutable_data() {
  float* data = data_.load(std::memory_order_acquire);
  if (data == nullptr && count_ > 0) {
    data = allocate();
    data_.store(data, std::memory_order_release);
  }
  return data;
}

const float* Weight::zeros() {
  // 64 KiB of the library's read-only data, shared by every process that maps it.
  alignas(64) static const float kZeros[kLazyValues] = {};
  return kZeros;
}

std::vector<KerasTensor*> Layer::call(const std::vector<KerasTensor*>& inputs) { return call(inputs, CallArguments{}); }

namespace {

// Refuses keyword arguments the layer does not take (Unsupported: a file may record options inlay does not run).
void check_call_keywords(const Layer& layer, std::size_t n_inputs, const CallArguments& args) {
  auto refuse = [&](const std::string& keyword) {
    throw Error(Status::Unsupported, "Layer '" + layer.name() + "' (" + std::string(layer.class_name()) +
                                         "): the call argument " + python::quote_prefix(keyword, kMaxQuotedBytes) +
                                         " is not supported");
  };
  if (!args.keywords.empty() && args.keywords.size() != n_inputs) {
    throw Error(Status::InternalError, "Layer '" + layer.name() + "': keywords do not match the inputs");
  }
  const std::vector<std::string_view> tensor_keywords = layer.call_tensor_keywords();
  for (const std::string& keyword : args.keywords) {
    if (!keyword.empty() && std::find(tensor_keywords.begin(), tensor_keywords.end(), keyword) == tensor_keywords.end()) {
      refuse(keyword);
    }
  }
  const std::vector<std::string_view> options = layer.call_option_keywords();
  for (const auto& [key, value] : args.options.items()) {
    if (key == "training" || key == "mask") continue;
    if (std::find(options.begin(), options.end(), key) == options.end()) refuse(key);
  }
}

}  // namespace

std::vector<KerasTensor*> Layer::call(const std::vector<KerasTensor*>& inputs, const CallArguments& args) {
  if (graph_ == nullptr) throw Error(Status::InternalError, "Layer '" + name_ + "' belongs to no graph.");
  Graph& graph = *graph_;
  std::vector<const KerasTensor*> view;
  for (KerasTensor* x : inputs) {
    if (x == nullptr) throw_invalid("Layer '" + name_ + "' was called with a null input tensor.");
    if (!graph.owns(x)) throw_invalid("Layer '" + name_ + "' was called on a tensor of another graph.");
    view.push_back(x);
  }
  for (KerasTensor* x : args.mask_inputs) {
    if (x == nullptr || !graph.owns(x)) throw_invalid("Layer '" + name_ + "' was called with a mask of another graph.");
  }
  check_call_keywords(*this, inputs.size(), args);
  assert_input_compatibility(input_specs(), view, name_);
  const bool first_call = !built_;
  if (first_call) {
    try {
      build_call(view, args);
      built_ = true;
      assert_input_compatibility(input_specs(), view, name_);  // build may have pinned axes
    } catch (...) {
      weights_.clear();  // leave the layer as it was: unbuilt, no weights
      built_ = false;
      throw;
    }
  }
  std::vector<TypeSpec> specs;
  try {
    specs = compute_call_output_specs(view, args);
  } catch (...) {
    if (first_call) {
      weights_.clear();
      built_ = false;
    }
    throw;
  }
  std::vector<KerasTensor*> outputs;
  for (TypeSpec& spec : specs) {
    const std::string tensor_name = graph.auto_name("KerasTensor");
    if (spec.kind() == SpecKind::Tensor) spec = TypeSpec::tensor(spec.shape(), spec.dtype(), tensor_name);
    outputs.push_back(&graph.add_tensor(std::move(spec), tensor_name));
  }
  add_node(inputs, outputs, args);
  return outputs;
}

namespace {

void collect(Layer& layer, bool trainable, std::vector<Weight*>& out) {
  for (Weight& w : layer.weights()) {
    if (w.trainable == trainable) out.push_back(&w);
  }
  for (const Layer::SubLayer& sub : layer.sublayers()) collect(*sub.layer, trainable, out);
}

}  // namespace

std::vector<Weight*> all_weights(Layer& layer) {
  std::vector<Weight*> out;
  for (bool trainable : {true, false}) collect(layer, trainable, out);
  return out;
}

std::string validate_layer_name(const Json& name) {
  if (!name.is_string() || name.get_ref<const std::string&>().find('/') != std::string::npos) {
    throw_invalid("Argument `name` must be a string and cannot contain character `/`. Received: name=" +
                  python::str_prefix(name, kMaxQuotedBytes) + " (of type " + python::type_name(name) + ")");
  }
  // Keras takes any str, but names leave through the C ABI as C strings, which end at a NUL: a name holding
  // one would come back cut (and could then equal another's).
  if (name.get_ref<const std::string&>().find('\0') != std::string::npos) {
    throw_invalid("Argument `name` must not contain a NUL character (names are C strings at inlay's C ABI). "
                  "Received: name=" + python::quote_prefix(name.get_ref<const std::string&>(), kMaxQuotedBytes));
  }
  return name.get<std::string>();
}

}  // namespace inlay::core
