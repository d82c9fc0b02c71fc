#include "layers/rnn.hpp"

#include <map>

#include "layers/gru.hpp"
#include "layers/lstm.hpp"
#include "layers/simple_rnn.hpp"
#include "util/error.hpp"
#include "util/naming.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

// keras.layers.StackedRNNCells(cells): what inlay needs of it is its config and the place of its cells'
// weights (saving_lib keeps each cell at cells/<snake_case of its class>, numbered from the second of a class).
class StackedRNNCells final : public Layer {
 public:
  explicit StackedRNNCells(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
  std::string_view class_name() const override { return "StackedRNNCells"; }
  Json get_config() const override { return base_.to_json(); }
  std::vector<SubLayer> sublayers() const override {
    std::vector<SubLayer> out;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      for (const SubLayer& sub : cells_[i]->sublayers()) out.push_back({attributes_[i].c_str(), sub.layer});
    }
    return out;
  }
  void add(RecurrentLayer& cell, const std::string& cell_class) {
    const std::string key = to_snake_case(cell_class);
    const int seen = used_[key]++;
    attributes_.push_back("cells/" + key + (seen == 0 ? "" : "_" + std::to_string(seen)));
    cells_.push_back(&cell);
  }

 protected:
  std::vector<TypeSpec> compute_output_specs(const std::vector<const KerasTensor*>&) const override { return {}; }

 private:
  BaseLayerConfig base_;
  std::vector<RecurrentLayer*> cells_;  // owned by the RNN
  std::vector<std::string> attributes_;
  std::map<std::string, int> used_;
};

namespace {

constexpr std::initializer_list<const char*> kCommonCellKeys = {
    "units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout", "seed"};

bool is_serialized_object(const Json& entry) {
  return entry.is_object() && entry.contains("class_name") && entry["class_name"].is_string();
}

// A cell's constructor error as deserialize_keras_object reports it: Operation.from_config wraps it (with
// the config it passed, the dtype policy given by name), deserialize_keras_object wraps that (with the whole
// entry), both as TypeErrors.
[[noreturn]] void throw_deserialization_error(const std::string& cls, const Json& entry, Json config,
                                              const Error& error) {
  static const std::map<std::string, std::string> kPythonClass = {
      {"LSTMCell", "keras.src.layers.rnn.lstm.LSTMCell"},
      {"GRUCell", "keras.src.layers.rnn.gru.GRUCell"},
      {"SimpleRNNCell", "keras.src.layers.rnn.simple_rnn.SimpleRNNCell"}};
  if (config.contains("dtype") && config["dtype"].is_object() && config["dtype"].value("class_name", "") == "DTypePolicy" &&
      config["dtype"].contains("config") && config["dtype"]["config"].is_object() &&
      config["dtype"]["config"].contains("name")) {
    config["dtype"] = config["dtype"]["config"]["name"];
  }
  throw_invalid("<class '" + kPythonClass.at(cls) +
                "'> could not be deserialized properly. Please ensure that components that are Python object "
                "instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized in the "
                "model's `from_config()` method.\n\nconfig=" + python::repr(entry) +
                ".\n\nException encountered: Error when deserializing class '" + cls + "' using config=" +
                python::repr(config) + ".\n\nException encountered: " + error.what());
}

std::unique_ptr<RecurrentLayer> make_cell(Graph& graph, const std::string& cls, const Json& config) {
  if (cls == "LSTMCell") {
    return RecurrentLayer::make_cell<LSTM>(
        graph, config, cls,
        {"units", "activation", "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
         "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
         "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed",
         "implementation"});
  }
  if (cls == "GRUCell") {
    return RecurrentLayer::make_cell<GRU>(
        graph, config, cls,
        {"units", "activation", "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
         "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
         "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "reset_after", "seed",
         "implementation"});
  }
  return RecurrentLayer::make_cell<SimpleRNN>(graph, config, cls, kCommonCellKeys);
}

// deserialize_keras_object(entry) for the built-in cells. The cell classes' keywords: their __init__'s
// (tf.keras configs add `implementation`, which Keras 3's cells take too).
std::unique_ptr<RecurrentLayer> cell_from(Graph& graph, const Json& entry) {
  if (!is_serialized_object(entry)) {
    throw_invalid("Argument `cell` should have a `call` method. Received: cell=" +
                  python::str_prefix(entry, kMaxQuotedBytes));
  }
  const std::string cls = entry["class_name"].get<std::string>();
  Json config = entry.value("config", Json::object());
  if (!config.is_object()) throw_invalid("RNN: the config of the cell " + cls + " must be a dict");
  if (!config.contains("name") || config["name"].is_null()) config["name"] = graph.auto_name(cls);
  if (cls == "LSTMCell" || cls == "GRUCell" || cls == "SimpleRNNCell") {
    try {
      return make_cell(graph, cls, config);
    } catch (const Error& e) {
      if (e.status() != Status::InvalidArgument) throw;
      throw_deserialization_error(cls, entry, entry.value("config", Json::object()), e);
    }
  }
  throw Error(Status::Unsupported, "RNN: a cell of class " + cls +
                                       " is not supported (LSTMCell, GRUCell, SimpleRNNCell and StackedRNNCells of "
                                       "them are)");
}

}  // namespace

RNN::RNN(BaseLayerConfig base) : Layer(base.name), base_(std::move(base)) {}
RNN::~RNN() = default;

std::unique_ptr<Layer> RNN::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // from_config pops and deserializes the cell before RNN.__init__ sees the other keywords (a KeyError without
  // one); a list of cells is wrapped in a StackedRNNCells by __init__.
  if (!args.has("cell")) throw_invalid("'cell'");
  const Json entry = args.take("cell");
  std::vector<std::unique_ptr<RecurrentLayer>> cells;
  std::vector<std::string> cell_classes;
  std::unique_ptr<StackedRNNCells> stack;
  auto add_cells = [&](const Json& list) {
    for (const Json& cell : list) {
      cells.push_back(cell_from(graph, cell));
      cell_classes.push_back(cell["class_name"].get<std::string>());
    }
  };
  if (is_serialized_object(entry) && entry["class_name"] == "StackedRNNCells") {
    const Json stack_config = entry.value("config", Json::object());
    if (!stack_config.is_object() || !stack_config.contains("cells")) throw_invalid("'cells'");
    LayerArgs stack_args("StackedRNNCells", stack_config);
    const Json list = stack_args.take("cells");
    if (!list.is_array()) {
      throw_invalid("StackedRNNCells: `cells` must be a list. Received: " + python::str_prefix(list, kMaxQuotedBytes));
    }
    add_cells(list);
    stack = std::make_unique<StackedRNNCells>(BaseLayerConfig::read(stack_args, graph, {"cells"}));
  } else if (entry.is_array()) {
    add_cells(entry);
    Json stack_config = Json::object();
    LayerArgs stack_args("StackedRNNCells", stack_config);
    stack = std::make_unique<StackedRNNCells>(BaseLayerConfig::read(stack_args, graph, {}));
  } else {
    cells.push_back(cell_from(graph, entry));
  }
  if (cells.empty()) throw_invalid("StackedRNNCells: `cells` must hold at least one cell (list index out of range)");
  const RecurrenceOptions options = RecurrenceOptions::read(args);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph,
                                               {"cell", "return_sequences", "return_state", "go_backwards", "stateful",
                                                "unroll", "zero_output_for_mask", "time_major"});
  options.refuse_stateful(kClassName, base.name);
  std::unique_ptr<RNN> layer(new RNN(std::move(base)));
  layer->options_ = options;
  layer->cells_ = std::move(cells);
  if (stack) {
    for (std::size_t i = 0; i < layer->cells_.size(); ++i) stack->add(*layer->cells_[i], cell_classes[i]);
    layer->stack_ = std::move(stack);
  }
  return layer;
}

std::size_t RNN::state_count() const {
  std::size_t n = 0;
  for (const auto& cell : cells_) n += cell->state_count();
  return n;
}

std::vector<Layer::SubLayer> RNN::sublayers() const {
  if (stack_) return stack_->sublayers().empty() ? std::vector<SubLayer>{} : std::vector<SubLayer>{{"cell", stack_.get()}};
  return cells_.front()->sublayers();  // {"cell", the cell's weights} once built
}

Json RNN::nest_call_list(std::string_view keyword, Json flat) const {
  if (!stack_ || keyword != "initial_state" || flat.size() != state_count()) return flat;
  Json nested = Json::array();
  std::size_t next = 0;
  for (const auto& cell : cells_) {
    if (cell->state_count() == 1) {
      nested.push_back(std::move(flat[next++]));
      continue;
    }
    Json states = Json::array();
    for (std::size_t i = 0; i < cell->state_count(); ++i) states.push_back(std::move(flat[next++]));
    nested.push_back(std::move(states));
  }
  return nested;
}

void RNN::check_sequence(const std::vector<const KerasTensor*>& inputs) const {
  InputSpec spec;
  spec.ndim = 3;
  assert_input_compatibility({spec}, inputs.empty() ? inputs : std::vector<const KerasTensor*>{inputs.front()}, name());
}

void RNN::build(const std::vector<const KerasTensor*>& inputs) {
  // RNN has no input_spec: Keras builds the cells for steps of shape (batch, *shape[2:]), so a sequence of rank 2
  // fails on the kernel's unknown input dim; inlay runs sequences of rank 3 only.
  const Shape& shape = inputs.empty() ? Shape() : inputs.front()->shape();
  if (shape.has_rank() && shape.rank() > 3) {
    throw Error(Status::Unsupported, "Layer '" + name() + "' (RNN): sequences of rank " +
                                         std::to_string(shape.rank()) + " are not supported (rank 3 is)");
  }
  if (!shape.has_rank()) check_sequence(inputs);
  // Each cell reads the previous one's output (StackedRNNCells.build).
  int64_t input_dim = shape.rank() == 3 ? shape.dims().back() : kNoneDim;
  const std::string scope = name() + "/" + (stack_ ? stack_->name() + "/" : "");
  for (const auto& cell : cells_) {
    cell->add_cell_weights(input_dim, scope + cell->cell_name() + "/");
    input_dim = cell->units();
  }
}

std::vector<TypeSpec> RNN::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  check_sequence(inputs);
  const std::vector<int64_t>& dims = inputs.front()->shape().dims();
  const int64_t batch = dims[0], units = cells_.back()->units();
  const DType dtype = base_.compute_dtype();
  std::vector<TypeSpec> specs;
  specs.push_back(TypeSpec::tensor(options_.return_sequences ? Shape({batch, dims[1], units}) : Shape({batch, units}), dtype));
  if (options_.return_state) {
    for (const auto& cell : cells_) {
      for (std::size_t i = 0; i < cell->state_count(); ++i) {
        specs.push_back(TypeSpec::tensor(Shape({batch, cell->units()}), dtype));
      }
    }
  }
  return specs;
}

std::vector<TypeSpec> RNN::compute_call_output_specs(const std::vector<const KerasTensor*>& inputs,
                                                     const CallArguments& args) const {
  check_call_options(*this, args.options);
  return compute_output_specs(inputs);
}

Json RNN::serialized_cell(const RecurrentLayer& cell) const {
  const char* cls = cell.kind() == RecurrentKind::LSTM ? "LSTMCell"
                    : cell.kind() == RecurrentKind::GRU ? "GRUCell"
                                                         : "SimpleRNNCell";
  Json entry = {{"module", "keras.layers"}, {"class_name", cls}, {"config", cell.cell_config()},
                {"registered_name", nullptr}};
  if (Json build = cell.cell_build_config(); !build.is_null()) entry["build_config"] = build;
  return entry;
}

Json RNN::get_config() const {
  Json config = base_.to_json();
  options_.write(config);
  if (!stack_) {
    config["cell"] = serialized_cell(*cells_.front());
    return config;
  }
  Json stack_config = stack_->get_config();
  stack_config["cells"] = Json::array();
  for (const auto& cell : cells_) stack_config["cells"].push_back(serialized_cell(*cell));
  Json entry = {{"module", "keras.layers"}, {"class_name", "StackedRNNCells"}, {"config", stack_config},
                {"registered_name", nullptr}};
  if (Json build = cells_.front()->cell_build_config(); !build.is_null()) entry["build_config"] = build;
  config["cell"] = entry;
  return config;
}

}  // namespace inlay::core
