// A model used as a layer of another model (Keras's Functional and Sequential are Layers): ConvNeXt calls a
// Sequential stem inside its Functional graph. The layer owns the inner model (which keeps its own graph);
// calling it on tensors of the outer graph gives tensors with the inner model's output specs. Its weights
// stay the inner layers' (Model::weights of the outer model lists them in place, in Keras's order), and it
// serializes as the inner model's to_json(), which is what Keras writes for it.
#pragma once

#include <memory>

#include "graph/graph.hpp"
#include "graph/layer.hpp"
#include "graph/model.hpp"

namespace inlay::core {

class NestedModel final : public Layer {
 public:
  // Wraps `model` as a layer of `graph` (named as the model).
  static NestedModel& create(Graph& graph, std::unique_ptr<Model> model);

  std::string_view class_name() const override { return model_->class_name(); }
  // serialize_keras_object of a Sequential / Functional: "keras" / "keras.src.models.functional".
  std::string_view module() const override;
  Json registered_name() const override;
  Json get_config() const override;
  const Model* nested_model() const override { return model_.get(); }
  // Keras's Functional.call records its mask argument with each call.
  Json node_kwargs() const override { return Json{{"mask", nullptr}}; }
  std::size_t output_count() const override { return model_->outputs().size(); }

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>& inputs) const override;

 private:
  explicit NestedModel(std::unique_ptr<Model> model) : Layer(model->name()), model_(std::move(model)) {}

  std::unique_ptr<Model> model_;
};

}  // namespace inlay::core
