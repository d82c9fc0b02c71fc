#include "graph/layer.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

const std::vector<KerasTensor*>& Layer::outputs() const {
  static const std::vector<KerasTensor*> none;
  return nodes_.empty() ? none : nodes_.front().outputs;
}

void Layer::add_node(std::vector<KerasTensor*> inputs, std::vector<KerasTensor*> outputs) {
  const int node_index = static_cast<int>(nodes_.size());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    outputs[i]->set_history({this, node_index, static_cast<int>(i)});
  }
  nodes_.push_back({std::move(inputs), std::move(outputs)});
}

std::string validate_layer_name(const Json& name) {
  if (!name.is_string() || name.get<std::string>().find('/') != std::string::npos) {
    throw_invalid("Argument `name` must be a string and cannot contain character `/`. Received: name=" +
                  python::str(name) + " (of type " + python::type_name(name) + ")");
  }
  return name.get<std::string>();
}

}  // namespace inlay::core
