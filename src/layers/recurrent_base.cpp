#include "layers/recurrent_base.hpp"

#include <limits>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

namespace {

// Keras's min(1.0, max(0.0, rate)): always a float in the config.
double clamp_rate(const Json& rate) {
  if (!rate.is_number() && !rate.is_boolean()) {
    throw Error(Status::InvalidArgument, "'>' not supported between instances of '" + python::bare_type_name(rate) +
                                             "' and 'float'");
  }
  const double value = rate.is_boolean() ? (rate.get<bool>() ? 1.0 : 0.0) : rate.get<double>();
  return value < 0.0 ? 0.0 : value > 1.0 ? 1.0 : value;
}

bool flag(LayerArgs& args, std::string_view key, bool default_value) {
  return python::truthy(args.take(key, default_value));
}

}  // namespace

int64_t RecurrentLayer::read_units(std::string_view class_name, const Json& units) {
  // The cell's `if units <= 0`: an int (or bool) is compared; anything else is Python's TypeError.
  if (units.is_number_integer() || units.is_boolean()) {
    const int64_t value = units.is_boolean() ? (units.get<bool>() ? 1 : 0) : units.get<int64_t>();
    if (value <= 0) {
      throw Error(Status::InvalidArgument,
                  "Received an invalid value for argument `units`, expected a positive integer, got " +
                      python::repr(units) + ".");
    }
    return value;
  }
  if (units.is_number()) {
    throw Error(Status::Unsupported, std::string(class_name) + ": units must be an integer, got " +
                                         python::repr(units) + ".");
  }
  throw Error(Status::InvalidArgument,
              "'<=' not supported between instances of '" + python::bare_type_name(units) + "' and 'int'");
}

std::unique_ptr<RecurrentLayer> RecurrentLayer::read(std::unique_ptr<RecurrentLayer> layer, LayerArgs& args) {
  RecurrentLayer& l = *layer;
  const bool gated = l.kind_ != RecurrentKind::SimpleRNN;
  l.units_arg_ = args.take("units");
  l.activation_ = parse_activation(args.take("activation", "tanh"));
  if (gated) l.recurrent_activation_ = parse_activation(args.take("recurrent_activation", "sigmoid"));
  l.use_bias_ = flag(args, "use_bias", true);
  l.kernel_initializer_ = serialize_initializer(args.take("kernel_initializer", "glorot_uniform"));
  l.recurrent_initializer_ = serialize_initializer(args.take("recurrent_initializer", "orthogonal"));
  l.bias_initializer_ = serialize_initializer(args.take("bias_initializer", "zeros"));
  if (l.kind_ == RecurrentKind::LSTM) l.unit_forget_bias_ = flag(args, "unit_forget_bias", true);
  if (l.kind_ == RecurrentKind::GRU) l.reset_after_ = flag(args, "reset_after", true);
  l.kernel_regularizer_ = serialize_regularizer(args.take("kernel_regularizer"));
  l.recurrent_regularizer_ = serialize_regularizer(args.take("recurrent_regularizer"));
  l.bias_regularizer_ = serialize_regularizer(args.take("bias_regularizer"));
  l.kernel_constraint_ = serialize_constraint(args.take("kernel_constraint"));
  l.recurrent_constraint_ = serialize_constraint(args.take("recurrent_constraint"));
  l.bias_constraint_ = serialize_constraint(args.take("bias_constraint"));
  // Dropouts only act in training: kept for the config, ignored at inference.
  l.dropout_ = clamp_rate(args.take("dropout", 0.0));
  l.recurrent_dropout_ = clamp_rate(args.take("recurrent_dropout", 0.0));
  l.seed_ = args.take("seed");
  l.options_ = RecurrenceOptions::read(args);
  args.take("implementation");  // Keras pops it: a speed choice of the training loop
  if (gated) {
    const Json use_cudnn = args.take("use_cudnn", "auto");
    if (!(use_cudnn == "auto" || use_cudnn.is_boolean())) {
      throw Error(Status::InvalidArgument,
                  "Invalid valid received for argument `use_cudnn`. Expected one of {'auto', True, False}. "
                  "Received: use_cudnn=" + python::str(use_cudnn));
    }
  }
  l.options_.refuse_stateful(args.class_name(), l.name());
  return layer;
}

RecurrenceOptions RecurrenceOptions::read(LayerArgs& args) {
  RecurrenceOptions o;
  o.return_sequences = flag(args, "return_sequences", false);
  o.return_state = flag(args, "return_state", false);
  o.go_backwards = flag(args, "go_backwards", false);
  o.stateful = flag(args, "stateful", false);
  o.unroll = flag(args, "unroll", false);  // the same results unrolled or not
  o.zero_output_for_mask = flag(args, "zero_output_for_mask", false);
  // tf.keras 2 configs carry time_major, always False for layers read from a model.
  if (flag(args, "time_major", false)) {
    throw Error(Status::Unsupported, std::string(args.class_name()) + ": time_major=True is not supported.");
  }
  return o;
}

void RecurrenceOptions::refuse_stateful(std::string_view class_name, const std::string& layer_name) const {
  if (!stateful) return;
  // A stateful RNN carries its states from one predict call to the next: inlay's models are stateless
  // (predict may run concurrently), so such a model would silently compute something else.
  throw Error(Status::Unsupported, std::string(class_name) + " '" + layer_name +
                                       "': stateful=True is not supported (inlay keeps no state between predict "
                                       "calls); save the model with stateful=False.");
}

void RecurrenceOptions::write(Json& config) const {
  config["return_sequences"] = return_sequences;
  config["return_state"] = return_state;
  config["go_backwards"] = go_backwards;
  config["stateful"] = stateful;
  config["unroll"] = unroll;
  config["zero_output_for_mask"] = zero_output_for_mask;
}

int64_t RecurrentLayer::gates() const {
  switch (kind_) {
    case RecurrentKind::LSTM: return 4;
    case RecurrentKind::GRU: return 3;
    case RecurrentKind::SimpleRNN: return 1;
  }
  return 1;
}

void RecurrentLayer::check_sequence(const std::vector<const KerasTensor*>& inputs) const {
  InputSpec spec;
  spec.ndim = 3;
  // No input at all: the count message of a one-input layer.
  assert_input_compatibility({spec}, inputs.empty() ? inputs : std::vector<const KerasTensor*>{inputs.front()}, name());
}

void RecurrentLayer::build(const std::vector<const KerasTensor*>& inputs) {
  check_sequence(inputs);
  add_cell_weights(inputs.front()->shape().dims().back(), name() + "/" + cell_name_ + "/");
}

void RecurrentLayer::add_cell_weights(int64_t input_dim, const std::string& prefix) {
  if (units_ > std::numeric_limits<int64_t>::max() / gates()) {  // a file's units: no overflow computing the width
    throw Error(Status::OutOfMemory, "Layer '" + name() + "': units=" + std::to_string(units_) +
                                         " make weights of more than 2^63 values");
  }
  const int64_t width = gates() * units_;
  if (input_dim == kNoneDim) {  // add_weight's message, with the cell's path as Keras names it
    throw Error(Status::InvalidArgument,
                "Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: shape=" +
                    Shape({input_dim, width}).to_tuple_string() + " for variable path='" + prefix + "kernel'");
  }
  // Keras's paths run through the cell: "lstm/lstm_cell/kernel".
  cell_ = std::make_unique<RecurrentCell>(cell_name_, std::string(class_name()) + "Cell");
  cell_->add("kernel", Shape({input_dim, width}), base_.trainable).path = prefix + "kernel";
  cell_->add("recurrent_kernel", Shape({units_, width}), base_.trainable).path = prefix + "recurrent_kernel";
  if (use_bias_) {
    const Shape bias = kind_ == RecurrentKind::GRU && reset_after_ ? Shape({2, width}) : Shape({width});
    cell_->add("bias", bias, base_.trainable).path = prefix + "bias";
  }
  cell_input_dim_ = input_dim;
}

Json RecurrentLayer::cell_build_config() const {
  if (cell_input_dim_ < 0) return nullptr;
  return {{"input_shape", Json::array({nullptr, cell_input_dim_})}};
}

Json RecurrentLayer::cell_config() const {
  // LSTMCell / GRUCell / SimpleRNNCell.get_config(): the cell's keywords in its order (the layers' own
  // configs put the RNN's keywords first and unit_forget_bias later).
  const bool gated = kind_ != RecurrentKind::SimpleRNN;
  Json config = base_.to_json();
  config["units"] = units_arg_;
  config["activation"] = activation_name(activation_);
  if (gated) config["recurrent_activation"] = activation_name(recurrent_activation_);
  config["use_bias"] = use_bias_;
  if (kind_ == RecurrentKind::LSTM) config["unit_forget_bias"] = unit_forget_bias_;
  config["kernel_initializer"] = *kernel_initializer_;
  config["recurrent_initializer"] = *recurrent_initializer_;
  config["bias_initializer"] = *bias_initializer_;
  config["kernel_regularizer"] = *kernel_regularizer_;
  config["recurrent_regularizer"] = *recurrent_regularizer_;
  config["bias_regularizer"] = *bias_regularizer_;
  config["kernel_constraint"] = *kernel_constraint_;
  config["recurrent_constraint"] = *recurrent_constraint_;
  config["bias_constraint"] = *bias_constraint_;
  config["dropout"] = dropout_;
  config["recurrent_dropout"] = recurrent_dropout_;
  if (kind_ == RecurrentKind::GRU) config["reset_after"] = reset_after_;
  config["seed"] = seed_;
  return config;
}

std::vector<TypeSpec> RecurrentLayer::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  check_sequence(inputs);
  const std::vector<int64_t>& dims = inputs.front()->shape().dims();
  const int64_t batch = dims[0];
  const DType dtype = base_.compute_dtype();
  std::vector<TypeSpec> specs;
  specs.push_back(TypeSpec::tensor(options_.return_sequences ? Shape({batch, dims[1], units_}) : Shape({batch, units_}),
                                   dtype));
  if (options_.return_state) {
    for (std::size_t i = 0; i < state_count(); ++i) specs.push_back(TypeSpec::tensor(Shape({batch, units_}), dtype));
  }
  return specs;
}

void check_call_options(const Layer& layer, const Json& options) {
  for (const char* key : {"initial_state", "constants"}) {
    if (options.contains(key) && !options[key].is_null()) {
      throw Error(Status::Unsupported, "Layer '" + layer.name() + "' (" + std::string(layer.class_name()) +
                                           "): the call argument '" + key + "' is supported as tensors only");
    }
  }
}

Json recurrent_build_config(const Layer& layer) {
  Json config = layer.Layer::build_config();
  if (config.is_null() || layer.inbound_nodes().front().inputs.size() < 2) return config;
  const std::vector<KerasTensor*>& inputs = layer.inbound_nodes().front().inputs;
  Json states = Json::array();
  for (std::size_t i = 1; i < inputs.size(); ++i) states.push_back(inputs[i]->shape().to_json());
  return {{"shapes_dict",
           {{"sequences_shape", inputs.front()->shape().to_json()},
            {"initial_state_shape", layer.nest_call_list("initial_state", std::move(states))}}}};
}

std::vector<TypeSpec> RecurrentLayer::compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                                const CallArguments& args) const {
  check_call_options(*this, args.options);
  return compute_output_specs(inputs);
}

Json RecurrentLayer::get_config() const {
  const bool gated = kind_ != RecurrentKind::SimpleRNN;
  Json config = base_.to_json();
  options_.write(config);
  config["units"] = units_arg_;
  config["activation"] = activation_name(activation_);
  if (gated) config["recurrent_activation"] = activation_name(recurrent_activation_);
  config["use_bias"] = use_bias_;
  config["kernel_initializer"] = *kernel_initializer_;
  config["recurrent_initializer"] = *recurrent_initializer_;
  config["bias_initializer"] = *bias_initializer_;
  if (kind_ == RecurrentKind::LSTM) config["unit_forget_bias"] = unit_forget_bias_;
  config["kernel_regularizer"] = *kernel_regularizer_;
  config["recurrent_regularizer"] = *recurrent_regularizer_;
  config["bias_regularizer"] = *bias_regularizer_;
  config["activity_regularizer"] = base_.activity_regularizer;
  config["kernel_constraint"] = *kernel_constraint_;
  config["recurrent_constraint"] = *recurrent_constraint_;
  config["bias_constraint"] = *bias_constraint_;
  config["dropout"] = dropout_;
  config["recurrent_dropout"] = recurrent_dropout_;
  if (kind_ == RecurrentKind::GRU) config["reset_after"] = reset_after_;
  if (gated) config["seed"] = seed_;
  return config;
}

}  // namespace inlay::core
