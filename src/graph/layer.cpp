#include "graph/layer.hpp"

#include <cstdint>
#include <cstdlib>
#include <new>

#include "graph/graph.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// Weights at least this large are allocated only after malloc agreed to give the memory.
constexpr std::uint64_t kProbeAllocationBytes = std::uint64_t{1} << 28;  // 256 MiB

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

void Layer::add_node(std::vector<KerasTensor*> inputs, std::vector<KerasTensor*> outputs) {
  const int node_index = static_cast<int>(nodes_.size());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    outputs[i]->set_history({this, node_index, static_cast<int>(i)});
  }
  nodes_.push_back({std::move(inputs), std::move(outputs), graph_->next_node_id()});
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
  auto out_of_memory = [&](const std::string& weight_path, const Shape& weight_shape) {
    return Error(Status::OutOfMemory, "Cannot allocate variable path='" + weight_path + "' of shape=" +
                                          weight_shape.to_tuple_string() + " (" + std::to_string(*count) +
                                          " float32 values): out of memory");
  };
  const auto n = static_cast<std::uint64_t>(*count);
  if (n > std::vector<float>().max_size()) throw out_of_memory(path, shape);
  // Sizes come from configs and files: a huge one is asked of malloc first, which says no by returning
  // NULL (operator new under AddressSanitizer aborts instead of throwing bad_alloc).
  if (n * sizeof(float) >= kProbeAllocationBytes) {
    void* probe = std::malloc(static_cast<std::size_t>(n) * sizeof(float));
    if (probe == nullptr) throw out_of_memory(path, shape);
    std::free(probe);
  }
  try {
    if (weights_.empty()) weights_.reserve(2);  // a kernel and a bias, most often: no regrowth between them
  } catch (const std::bad_alloc&) {
    throw out_of_memory(path, shape);
  }
  Weight& w = weights_.emplace_back(weight_name, std::move(path), std::move(shape), trainable,
                                    static_cast<std::size_t>(n));
  // A large weight is allocated now, so that a size the machine cannot hold fails when the layer is built,
  // as in Keras; a small one when first written.
  if (w.size() > Weight::kLazyValues) {
    try {
      w.mutable_data();
    } catch (const std::bad_alloc&) {
      Error error = out_of_memory(w.path, w.shape);
      weights_.pop_back();
      throw error;
    }
  }
  return w;
}

Weight::Weight(std::string name_, std::string path_, Shape shape_, bool trainable_, std::size_t count)
    : name(std::move(name_)), path(std::move(path_)), shape(std::move(shape_)), trainable(trainable_),
      count_(count) {}

float* Weight::mutable_data() {
  if (values_.empty() && count_ > 0) values_.assign(count_, 0.0f);
  return values_.data();
}

const float* Weight::zeros() {
  // 64 KiB of the library's read-only data, shared by every process that maps it.
  alignas(64) static const float kZeros[kLazyValues] = {};
  return kZeros;
}

std::vector<KerasTensor*> Layer::call(const std::vector<KerasTensor*>& inputs) {
  if (graph_ == nullptr) throw Error(Status::InternalError, "Layer '" + name_ + "' belongs to no graph.");
  Graph& graph = *graph_;
  std::vector<const KerasTensor*> view;
  for (KerasTensor* x : inputs) {
    if (x == nullptr) throw_invalid("Layer '" + name_ + "' was called with a null input tensor.");
    if (!graph.owns(x)) throw_invalid("Layer '" + name_ + "' was called on a tensor of another graph.");
    view.push_back(x);
  }
  assert_input_compatibility(input_specs(), view, name_);
  const bool first_call = !built_;
  if (first_call) {
    try {
      build(view);
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
    specs = compute_output_specs(view);
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
  add_node(inputs, outputs);
  return outputs;
}

std::string validate_layer_name(const Json& name) {
  if (!name.is_string() || name.get<std::string>().find('/') != std::string::npos) {
    throw_invalid("Argument `name` must be a string and cannot contain character `/`. Received: name=" +
                  python::str(name) + " (of type " + python::type_name(name) + ")");
  }
  return name.get<std::string>();
}

}  // namespace inlay::core
