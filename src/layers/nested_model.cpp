#include "layers/nested_model.hpp"

#include "util/error.hpp"

namespace inlay::core {

NestedModel& NestedModel::create(Graph& graph, std::unique_ptr<Model> model) {
  if (model == nullptr) throw Error(Status::InternalError, "NestedModel::create: no model");
  return static_cast<NestedModel&>(graph.add_layer(std::unique_ptr<Layer>(new NestedModel(std::move(model)))));
}

std::string_view NestedModel::module() const {
  return model_->class_name() == "Sequential" ? "keras" : "keras.src.models.functional";
}

Json NestedModel::registered_name() const {
  return model_->class_name() == "Sequential" ? Json() : Json(std::string(model_->class_name()));
}

Json NestedModel::get_config() const { return model_->to_json()["config"]; }

std::vector<TypeSpec> NestedModel::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  const auto& expected = model_->inputs();
  if (inputs.size() != expected.size()) {
    throw_invalid("Layer \"" + name() + "\" expects " + std::to_string(expected.size()) + " input(s), but it received " +
                  std::to_string(inputs.size()) + " input tensors.");
  }
  // Functional's input specs: each input must be compatible with the inner Input's shape.
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Shape& want = expected[i]->shape();
    const Shape& got = inputs[i]->shape();
    if (!got.is_compatible_with(want)) {
      // Keras names the input by its InputLayer.
      throw_invalid("Input " + std::to_string(i) + " with name '" + expected[i]->history().layer->name() +
                    "' of layer '" + name() + "' is incompatible with the layer: expected shape=" + want.to_tuple_string() +
                    ", found shape=" + got.to_tuple_string());
    }
  }
  std::vector<TypeSpec> specs;
  for (const KerasTensor* out : model_->outputs()) specs.push_back(out->spec());
  return specs;
}

}  // namespace inlay::core
