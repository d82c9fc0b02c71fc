// Keras 3's get() + serialize() of activations, initializers, regularizers and constraints, following
// keras/src/{activations,initializers,regularizers,constraints}/__init__.py and saving/serialization_lib.py
// step by step, so that every identifier a config can hold gives Keras's config or Keras's error message.
// tests/fixtures/serialization_cases.json (recorded from Keras 3.15.1) pins the behaviour.
#include "layers/serialization.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "layers/dialect.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Python exceptions as Keras raises them. They stay inside this file: from_config re-wraps a TypeError the
// way Keras does, and the public functions turn them into inlay's Error.

enum class PyErrorType { TypeError, ValueError, KeyError, AttributeError, NotImplementedError, Unsupported };

struct PyError {
  PyErrorType type;
  std::string message;
};

[[noreturn]] void raise(PyErrorType type, std::string message) { throw PyError{type, std::move(message)}; }
[[noreturn]] void type_error(std::string message) { raise(PyErrorType::TypeError, std::move(message)); }
[[noreturn]] void value_error(std::string message) { raise(PyErrorType::ValueError, std::move(message)); }
// Something Keras accepts that inlay cannot represent.
[[noreturn]] void unsupported(std::string message) { raise(PyErrorType::Unsupported, std::move(message)); }
// str(KeyError('x')) is "'x'".
[[noreturn]] void key_error(const std::string& key) { raise(PyErrorType::KeyError, python::repr(Json(key))); }

template <typename Body>
auto with_keras_errors(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const PyError& e) {
    throw Error(e.type == PyErrorType::Unsupported ? Status::Unsupported : Status::InvalidArgument, e.message);
  }
}

// type(value).__name__: "int", "str", "NoneType", "list", "dict".
std::string type_of(const Json& value) {
  const std::string full = python::type_name(value);  // "<class 'int'>"
  return full.substr(8, full.size() - 10);
}

// A set or dict lookup hashes its key; lists and dicts cannot be hashed.
void require_hashable(const Json& value) {
  if (value.is_array() || value.is_object()) type_error("unhashable type: '" + type_of(value) + "'");
}

// isinstance(value, (int, float)); bool is an int in Python.
bool is_real(const Json& value) { return value.is_number() || value.is_boolean(); }
double as_double(const Json& value) { return value.is_boolean() ? (value.get<bool>() ? 1.0 : 0.0) : value.get<double>(); }

bool is_one_of(const Json& value, std::initializer_list<std::string_view> names) {
  if (!value.is_string()) return false;
  const auto& text = value.get_ref<const std::string&>();
  return std::find(names.begin(), names.end(), text) != names.end();
}

// deserialize_keras_object() of a plain value gives it back unchanged; a nested {"class_name", "config"}
// dict would become a Keras object (a numpy array, a tensor, a SeedGenerator), which inlay does not build.
void require_plain(const Json& value, const std::string& what) {
  if (value.is_object() && value.contains("class_name") && value.contains("config")) {
    unsupported(what + " holds a serialized Keras object, which inlay does not deserialize: " + python::repr(value));
  }
  if (value.is_structured()) {
    for (const auto& item : value) require_plain(item, what);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Initializer, regularizer and constraint classes. Each is described by its __init__ signature, the checks
// __init__ makes, and what get_config() writes; Keras serializes an object as
// {"module": <exported module>, "class_name": <exported name>, "config": get_config(), "registered_name": None}.

struct Param {
  std::string_view name;
  Json default_value;
};

struct KerasClass {
  std::string_view class_name;              // the exported name Keras writes
  std::vector<std::string_view> aliases;    // the other keys of the module's ALL_OBJECTS_DICT
  std::string_view api_module;              // the exported name's module
  std::string_view source_module;           // where the class is defined (printed in TypeErrors)
  std::vector<Param> params;                // __init__'s arguments; none: the class has no __init__
  std::vector<std::string_view> config_keys;  // get_config()'s keys, in its order
  void (*init)(Json& args) = nullptr;       // __init__'s checks and normalisations of the bound arguments
  Json (*from_config)(const Json& config) = nullptr;  // replaces cls(**config) + get_config()
};

constexpr std::string_view kInitializers = "keras.initializers";
constexpr std::string_view kRandomInitializers = "keras.src.initializers.random_initializers";
constexpr std::string_view kConstantInitializers = "keras.src.initializers.constant_initializers";
constexpr std::string_view kRegularizers = "keras.regularizers";
constexpr std::string_view kRegularizersSource = "keras.src.regularizers.regularizers";
constexpr std::string_view kConstraints = "keras.constraints";
constexpr std::string_view kConstraintsSource = "keras.src.constraints.constraints";

// RandomInitializer.__init__: None, an int, or a serialized SeedGenerator. get_config() writes the seed
// argument back as it came, so a SeedGenerator's dict is kept (inlay does not check its config).
void check_init_seed(Json& args) {
  const Json& seed = args["seed"];
  if (seed.is_null() || seed.is_boolean() || seed.is_number_integer()) return;
  if (seed.is_object()) {
    if (seed.value("module", Json()) == "keras.random" && seed.value("class_name", Json()) == "SeedGenerator" &&
        seed.contains("config") && seed["config"].is_object()) {
      return;
    }
    return require_plain(seed, "seed");
  }
  value_error("`seed` argument should be an instance of `keras.random.SeedGenerator()` or an integer. Received: seed=" +
              python::str(seed));
}

// VarianceScaling.__init__. The sets in the messages print in CPython's order under PYTHONHASHSEED=0
// (Keras's own order changes from run to run).
void variance_scaling_init(Json& args) {
  const Json& scale = args["scale"];
  if (!is_real(scale)) type_error("'<=' not supported between instances of '" + type_of(scale) + "' and 'float'");
  if (as_double(scale) <= 0.0) value_error("Argument `scale` must be positive float. Received: scale=" + python::str(scale));
  const Json& mode = args["mode"];
  require_hashable(mode);
  if (!is_one_of(mode, {"fan_in", "fan_out", "fan_avg"})) {
    value_error("Invalid `mode` argument: " + python::str(mode) + ". Please use one of {'fan_avg', 'fan_out', 'fan_in'}");
  }
  Json& distribution = args["distribution"];
  if (!distribution.is_string()) {
    raise(PyErrorType::AttributeError, "'" + type_of(distribution) + "' object has no attribute 'lower'");
  }
  std::string lowered = distribution.get<std::string>();
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered == "normal") lowered = "truncated_normal";
  if (!is_one_of(Json(lowered), {"uniform", "truncated_normal", "untruncated_normal"})) {
    value_error("Invalid `distribution` argument: " + lowered +
                ".Please use one of {'untruncated_normal', 'truncated_normal', 'uniform'}");
  }
  distribution = lowered;
  check_init_seed(args);
}

void stft_init(Json& args) {
  const Json& side = args["side"];
  if (!is_one_of(side, {"real", "imag"})) value_error("side should be 'real' or 'imag', not " + python::str(side));
  if (args["window"].is_string()) {
    unsupported("STFT: a named window (" + python::repr(args["window"]) +
                ") is checked by scipy.signal.get_window, which inlay does not have; give the window's values");
  }
  const Json& scaling = args["scaling"];
  if (!scaling.is_null() && !is_one_of(scaling, {"density", "spectrum"})) {
    value_error("Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received scaling=" + python::str(scaling));
  }
}

// Constant.from_config: cls(config["value"]), other keys ignored.
Json constant_from_config(const Json& config) {
  if (!config.contains("value")) key_error("value");
  require_plain(config["value"], "Constant's value");
  return Json{{"value", config["value"]}};
}

// regularizers.validate_float_arg: a non-negative int or float, returned as float.
double validate_float_arg(const Json& value, const std::string& name) {
  if (!is_real(value) || as_double(value) < 0.0) {
    value_error("Invalid value for argument " + name + ": expected a non-negative float.Received: " + name + "=" +
                python::str(value));
  }
  return as_double(value);
}

// float(ops.convert_to_tensor(x)): a Python float goes through float32, an int stays exact.
double through_float32(double value) { return static_cast<double>(static_cast<float>(value)); }

void l1_init(Json& args) {
  Json& l1 = args["l1"];
  if (l1.is_null()) l1 = 0.01;
  l1 = through_float32(validate_float_arg(l1, "l1"));
}

void l2_init(Json& args) {
  Json& l2 = args["l2"];
  if (l2.is_null()) l2 = 0.01;
  l2 = validate_float_arg(l2, "l2");
}

void l1l2_init(Json& args) {
  for (const char* name : {"l1", "l2"}) {
    Json& value = args[name];
    if (value.is_null()) value = 0.0;
    value = validate_float_arg(value, name);
  }
}

void orthogonal_regularizer_init(Json& args) {
  Json& factor = args["factor"];
  validate_float_arg(factor, "factor");
  factor = factor.is_number_float() ? through_float32(factor.get<double>()) : as_double(factor);
  const Json& mode = args["mode"];
  require_hashable(mode);
  if (!is_one_of(mode, {"rows", "columns"})) {
    value_error("Invalid value for argument `mode`. Expected one of {\"rows\", \"columns\"}. Received: mode=" +
                python::str(mode));
  }
}

// The base Regularizer constructs, but its get_config() raises.
void regularizer_get_config(Json&) {
  raise(PyErrorType::NotImplementedError,
        "<keras.src.regularizers.regularizers.Regularizer object> does not implement get_config()");
}

const std::vector<Param> kSeedAndAxes = {{"seed", nullptr}, {"input_axes", nullptr}, {"output_axes", nullptr}};
const std::vector<std::string_view> kSeedAndAxesConfig = {"seed", "input_axes", "output_axes"};

const std::vector<KerasClass> kInitializerClasses = {
    {"Zeros", {"zeros", "zero"}, kInitializers, kConstantInitializers, {}, {}},
    {"Ones", {"ones", "one"}, kInitializers, kConstantInitializers, {}, {}},
    {"Constant", {"constant"}, kInitializers, kConstantInitializers, {{"value", 0.0}}, {"value"}, nullptr,
     constant_from_config},
    // Keras 3's Identity has no get_config(): its gain is not written.
    {"Identity", {"identity", "IdentityInitializer"}, kInitializers, kConstantInitializers, {{"gain", 1.0}}, {}},
    {"STFT", {"stft", "STFTInitializer"}, kInitializers, kConstantInitializers,
     {{"side", "real"}, {"window", "hann"}, {"scaling", "density"}, {"periodic", false}},
     {"side", "window", "periodic", "scaling"}, stft_init},
    {"RandomNormal", {"random_normal", "normal"}, kInitializers, kRandomInitializers,
     {{"mean", 0.0}, {"stddev", 0.05}, {"seed", nullptr}}, {"seed", "mean", "stddev"}, check_init_seed},
    {"TruncatedNormal", {"truncated_normal"}, kInitializers, kRandomInitializers,
     {{"mean", 0.0}, {"stddev", 0.05}, {"seed", nullptr}}, {"seed", "mean", "stddev"}, check_init_seed},
    {"RandomUniform", {"random_uniform", "uniform"}, kInitializers, kRandomInitializers,
     {{"minval", -0.05}, {"maxval", 0.05}, {"seed", nullptr}}, {"seed", "minval", "maxval"}, check_init_seed},
    {"VarianceScaling", {"variance_scaling"}, kInitializers, kRandomInitializers,
     {{"scale", 1.0}, {"mode", "fan_in"}, {"distribution", "truncated_normal"}, {"seed", nullptr},
      {"input_axes", nullptr}, {"output_axes", nullptr}},
     {"seed", "scale", "mode", "distribution", "input_axes", "output_axes"}, variance_scaling_init},
    // The VarianceScaling presets: their fixed scale/mode/distribution always pass, only the seed is checked.
    {"GlorotUniform", {"glorot_uniform"}, kInitializers, kRandomInitializers, kSeedAndAxes, kSeedAndAxesConfig, check_init_seed},
    {"GlorotNormal", {"glorot_normal"}, kInitializers, kRandomInitializers, kSeedAndAxes, kSeedAndAxesConfig, check_init_seed},
    {"HeNormal", {"he_normal"}, kInitializers, kRandomInitializers, kSeedAndAxes, kSeedAndAxesConfig, check_init_seed},
    {"HeUniform", {"he_uniform"}, kInitializers, kRandomInitializers, kSeedAndAxes, kSeedAndAxesConfig, check_init_seed},
    {"LecunNormal", {"lecun_normal"}, kInitializers, kRandomInitializers, kSeedAndAxes, kSeedAndAxesConfig, check_init_seed},
    {"LecunUniform", {"lecun_uniform"}, kInitializers, kRandomInitializers, kSeedAndAxes, kSeedAndAxesConfig, check_init_seed},
    {"Orthogonal", {"orthogonal", "OrthogonalInitializer"}, kInitializers, kRandomInitializers,
     {{"gain", 1.0}, {"seed", nullptr}}, {"seed", "gain"}, check_init_seed},
    {"Initializer", {"initializer"}, "keras", "keras.src.initializers.initializer", {}, {}},
};

const std::vector<KerasClass> kRegularizerClasses = {
    // Keras 3 has no "l1_l2" (tf.keras's helper); the class's snake-case name is "l1l2", defaults 0.0.
    {"L1L2", {"l1l2"}, kRegularizers, kRegularizersSource, {{"l1", 0.0}, {"l2", 0.0}}, {"l1", "l2"}, l1l2_init},
    {"L1", {"l1"}, kRegularizers, kRegularizersSource, {{"l1", 0.01}}, {"l1"}, l1_init},
    {"L2", {"l2"}, kRegularizers, kRegularizersSource, {{"l2", 0.01}}, {"l2"}, l2_init},
    {"OrthogonalRegularizer", {"orthogonal_regularizer"}, kRegularizers, kRegularizersSource,
     {{"factor", 0.01}, {"mode", "rows"}}, {"factor", "mode"}, orthogonal_regularizer_init},
    {"Regularizer", {"regularizer"}, "keras", kRegularizersSource, {}, {}, regularizer_get_config},
};

const std::vector<KerasClass> kConstraintClasses = {
    {"MaxNorm", {"max_norm"}, kConstraints, kConstraintsSource, {{"max_value", 2}, {"axis", 0}}, {"max_value", "axis"}},
    {"MinMaxNorm", {"min_max_norm"}, kConstraints, kConstraintsSource,
     {{"min_value", 0.0}, {"max_value", 1.0}, {"rate", 1.0}, {"axis", 0}}, {"min_value", "max_value", "rate", "axis"}},
    {"NonNeg", {"non_neg"}, kConstraints, kConstraintsSource, {}, {}},
    {"UnitNorm", {"unit_norm"}, kConstraints, kConstraintsSource, {{"axis", 0}}, {"axis"}},
    {"Constraint", {"constraint"}, kConstraints, kConstraintsSource, {}, {}},
};

// One of keras.initializers / regularizers / constraints.
struct Kind {
  std::string_view noun;  // "Could not interpret <noun> identifier: ..."
  const std::vector<KerasClass>& classes;
  bool names_as_dicts;  // initializers.get reads a name as {"class_name": name, "config": {}}
};

const Kind kInitializerKind{"initializer", kInitializerClasses, true};
const Kind kRegularizerKind{"regularizer", kRegularizerClasses, false};
const Kind kConstraintKind{"constraint", kConstraintClasses, false};

// ALL_OBJECTS_DICT[name]
const KerasClass* find_class(const Kind& kind, const std::string& name) {
  for (const auto& cls : kind.classes) {
    if (cls.class_name == name) return &cls;
    if (std::find(cls.aliases.begin(), cls.aliases.end(), name) != cls.aliases.end()) return &cls;
  }
  return nullptr;
}

[[noreturn]] void not_interpreted(const Kind& kind, const Json& identifier) {
  value_error("Could not interpret " + std::string(kind.noun) + " identifier: " + python::str(identifier));
}

Json serialized(const KerasClass& cls, Json config) {
  return Json{{"module", std::string(cls.api_module)},
              {"class_name", std::string(cls.class_name)},
              {"config", std::move(config)},
              {"registered_name", nullptr}};
}

// cls(**kwargs).get_config()
Json construct(const KerasClass& cls, const Json& kwargs) {
  const std::string name(cls.class_name);
  if (cls.params.empty() && !kwargs.empty()) type_error(name + "() takes no arguments");
  Json args = Json::object();
  for (const auto& param : cls.params) args[std::string(param.name)] = param.default_value;
  for (const auto& [key, value] : kwargs.items()) {
    if (!args.contains(key)) type_error(name + ".__init__() got an unexpected keyword argument '" + key + "'");
    args[key] = value;
  }
  if (cls.init != nullptr) cls.init(args);
  Json config = Json::object();
  for (const auto key : cls.config_keys) config[std::string(key)] = args[std::string(key)];
  return config;
}

// deserialize_keras_object(serialize_with_public_class(cls, inner_config)), then serialize(): the class's
// from_config on the dict, with Keras's wrapping of the TypeErrors the constructor raises.
Json from_inner_config(const KerasClass& cls, const Json& inner_config) {
  const Json full_config = serialized(cls, inner_config);
  const Json config = inner_config.is_null() ? Json::object() : inner_config;
  if (!config.is_object()) {
    type_error("Expected 'config' to be a dict for " + std::string(cls.class_name) + ",\ninstead got " +
               python::type_name(config) + "\nFull config: " + python::repr(full_config));
  }
  try {
    return serialized(cls, cls.from_config != nullptr ? cls.from_config(config) : construct(cls, config));
  } catch (const PyError& e) {
    if (e.type != PyErrorType::TypeError) throw;
    type_error("<class '" + std::string(cls.source_module) + "." + std::string(cls.class_name) +
               "'> could not be deserialized properly. Please ensure that components that are Python object "
               "instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized in the "
               "model's `from_config()` method.\n\nconfig=" +
               python::repr(full_config) + ".\n\nException encountered: " + e.message);
  }
}

const Json& key_or_key_error(const Json& config, const std::string& key) {
  if (!config.contains(key)) key_error(key);
  return config[key];
}

// deserialize_keras_object(config, module_objects=ALL_OBJECTS_DICT): the class is looked up by the
// dict's class_name alone (module and registered_name are not read), or for a "function" by its config or
// registered_name.
Json from_dict(const Kind& kind, const Json& config, const Json& identifier) {
  if (!config.contains("class_name")) value_error("Unknown `config` as a `dict`, config=" + python::repr(config));
  const Json inner_config = config.contains("config") ? config["config"] : Json();
  const Json& class_name = config["class_name"];
  Json name;
  if (class_name == "function") {
    const Json& module = key_or_key_error(config, "module");
    name = key_or_key_error(config, module == "builtins" ? "config" : "registered_name");
  } else {
    if (config.contains("module") && config["module"].is_null()) {
      const std::string shown = python::str(class_name);
      type_error("Cannot deserialize object of type `" + shown + "`. If `" + shown +
                 "` is a custom class, please register it using the "
                 "`@keras.saving.register_keras_serializable()` decorator.");
    }
    name = class_name;
  }
  require_hashable(name);
  const KerasClass* cls = name.is_string() ? find_class(kind, name.get<std::string>()) : nullptr;
  if (cls == nullptr) not_interpreted(kind, identifier);  // deserialize returned the name, which is not callable
  return from_inner_config(*cls, inner_config);
}

Json serialize_uncached(const Kind& kind, const Json& identifier);

// The serialized form of a name ("glorot_uniform", "zeros", ...), computed once per kind and name: every
// Dense or Conv layer made without explicit initializers asks for the same few, and building them is most of
// the cost of creating a layer.
class NameCache {
 public:
  template <class Make>
  SharedJson get(const Kind& kind, const std::string& name, Make&& make) {
    const std::pair<const Kind*, std::string> key(&kind, name);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
    SharedJson value = std::make_shared<const Json>(make());  // throws for unknown names: nothing cached
    std::lock_guard<std::mutex> lock(mutex_);
    return cache_.emplace(key, std::move(value)).first->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::pair<const Kind*, std::string>, SharedJson> cache_;
};

// X.serialize(X.get(identifier))
SharedJson serialize_object(const Kind& kind, const Json& identifier) {
  static NameCache names;
  static const SharedJson null = std::make_shared<const Json>();
  if (identifier.is_null()) return null;
  if (identifier.is_string()) {
    return names.get(kind, identifier.get<std::string>(), [&] { return serialize_uncached(kind, identifier); });
  }
  return std::make_shared<const Json>(serialize_uncached(kind, identifier));
}

Json serialize_uncached(const Kind& kind, const Json& identifier) {
  return with_keras_errors([&]() -> Json {
    if (identifier.is_null()) return nullptr;
    if (identifier.is_object()) return from_dict(kind, identifier, identifier);
    if (identifier.is_string()) {
      if (kind.names_as_dicts) {
        return from_dict(kind, Json{{"class_name", identifier}, {"config", Json::object()}}, identifier);
      }
      if (const KerasClass* cls = find_class(kind, identifier.get<std::string>())) {
        return serialized(*cls, construct(*cls, Json::object()));
      }
    }
    not_interpreted(kind, identifier);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Activations: functions, serialized by name.

struct ActivationName {
  std::string_view name;
  Activation activation;
  bool exported;  // keras.activations.<name> exists (aliases are only keys of ALL_OBJECTS_DICT)
};

// keras.activations.ALL_OBJECTS_DICT; a function's own name first, which is what serialize() writes.
constexpr std::array<ActivationName, 32> kActivations{{
    {"linear", Activation::Linear, true},
    {"relu", Activation::Relu, true},
    {"relu6", Activation::Relu6, true},
    {"leaky_relu", Activation::LeakyRelu, true},
    {"elu", Activation::Elu, true},
    {"selu", Activation::Selu, true},
    {"gelu", Activation::Gelu, true},
    {"sigmoid", Activation::Sigmoid, true},
    {"hard_sigmoid", Activation::HardSigmoid, true},
    {"tanh", Activation::Tanh, true},
    {"softmax", Activation::Softmax, true},
    {"softplus", Activation::Softplus, true},
    {"softsign", Activation::Softsign, true},
    {"silu", Activation::Silu, true},
    {"exponential", Activation::Exponential, true},
    {"mish", Activation::Mish, true},
    {"celu", Activation::Celu, true},
    {"glu", Activation::Glu, true},
    {"hard_shrink", Activation::HardShrink, true},
    {"hard_silu", Activation::HardSilu, true},
    {"hard_tanh", Activation::HardTanh, true},
    {"log_sigmoid", Activation::LogSigmoid, true},
    {"log_softmax", Activation::LogSoftmax, true},
    {"soft_shrink", Activation::SoftShrink, true},
    {"sparse_plus", Activation::SparsePlus, true},
    {"sparse_sigmoid", Activation::SparseSigmoid, true},
    {"sparsemax", Activation::Sparsemax, true},
    {"squareplus", Activation::Squareplus, true},
    {"tanh_shrink", Activation::TanhShrink, true},
    {"threshold", Activation::Threshold, true},
    {"swish", Activation::Silu, false},
    {"hard_swish", Activation::HardSilu, false},
}};

const ActivationName* find_activation(std::string_view name, bool exported_only) {
  for (const auto& entry : kActivations) {
    if (entry.name == name && (entry.exported || !exported_only)) return &entry;
  }
  return nullptr;
}

// serialization_lib.NON_MODELING_APIS: names deserialization refuses to resolve.
constexpr std::array<std::string_view, 26> kNonModelingApis{{
    "keras.backend.clear_session",
    "keras.config.enable_unsafe_deserialization",
    "keras.models.load_model",
    "keras.models.model_from_json",
    "keras.models.save_model",
    "keras.preprocessing.image_dataset_from_directory",
    "keras.preprocessing.image.load_img",
    "keras.preprocessing.image.save_img",
    "keras.preprocessing.text_dataset_from_directory",
    "keras.saving.deserialize_keras_object",
    "keras.saving.load_model",
    "keras.saving.load_weights",
    "keras.saving.register_keras_serializable",
    "keras.saving.save_model",
    "keras.saving.save_weights",
    "keras.saving.serialize_keras_object",
    "keras.utils.audio_dataset_from_directory",
    "keras.utils.clear_session",
    "keras.utils.deserialize_keras_object",
    "keras.utils.get_file",
    "keras.utils.image_dataset_from_directory",
    "keras.utils.load_img",
    "keras.utils.register_keras_serializable",
    "keras.utils.save_img",
    "keras.utils.serialize_keras_object",
    "keras.utils.text_dataset_from_directory",
}};

// serialization_lib's special class names: values that are not functions (a lambda is refused in safe mode).
constexpr std::array<std::string_view, 7> kSpecialClassNames{{
    "__keras_tensor__", "__tensor__", "__numpy__", "__bytes__", "__ellipsis__", "__slice__", "__typespec__"}};

[[noreturn]] void activation_not_interpreted(const Json& identifier) {
  value_error("Could not interpret activation function identifier: " + python::str(identifier));
}

[[noreturn]] void activation_not_a_function(const Json& identifier) {
  unsupported("Keras resolves this activation to an object other than a keras.activations function, which inlay "
              "does not support as an activation: " + python::repr(identifier));
}

// _assert_no_registered_name_for_builtin
void check_registered_name(const Json& full_config, const std::string& name, const std::string& resolved) {
  const Json explicit_name = full_config.contains("registered_name") ? full_config["registered_name"] : Json();
  if (!python::truthy(explicit_name)) return;
  if (explicit_name == name) return;
  if (full_config.contains("class_name") && explicit_name == full_config["class_name"]) return;
  value_error("`registered_name=" + python::repr(explicit_name) + "` was provided in the config, but '" + resolved +
              "' resolved to a Keras built-in and does not use registered names. Remove the `registered_name` "
              "field from the config. Full object config: " + python::repr(full_config));
}

// _retrieve_class_or_fn, for what can resolve to a keras.activations function. No custom objects are
// registered in inlay.
Activation retrieve_activation(const std::string& name, const Json& module, const std::string& obj_type,
                               const Json& full_config) {
  if (python::truthy(module)) {
    if (!module.is_string()) {
      raise(PyErrorType::AttributeError, "'" + type_of(module) + "' object has no attribute 'startswith'");
    }
    const std::string& path = module.get_ref<const std::string&>();
    if (path == "keras" || path.starts_with("keras.")) {
      const std::string api_name = path + "." + name;
      if (std::find(kNonModelingApis.begin(), kNonModelingApis.end(), api_name) != kNonModelingApis.end()) {
        value_error("Cannot deserialize `" + api_name + "` because it is not a modeling function. Non-modeling APIs "
                    "are disallowed during deserialization for security. Model configuration should only contains "
                    "operations, layers, metrics, losses, or registered custom objects and functions.");
      }
      if (path != "keras.activations") activation_not_a_function(full_config);
      if (const ActivationName* entry = find_activation(name, true)) {
        check_registered_name(full_config, name, api_name);
        return entry->activation;
      }
      if (name == "get" || name == "serialize" || name == "deserialize") activation_not_a_function(full_config);
      value_error("Could not deserialize '" + api_name + "' because it is not a KerasSaveable subclass");
    }
    // Keras searches its built-in modules for a bare function name; only keras.activations has functions
    // that are activations.
    if (obj_type == "function" && path == "builtins") {
      if (const ActivationName* entry = find_activation(name, true)) {
        check_registered_name(full_config, name, "keras.activations." + name);
        return entry->activation;
      }
    }
    const std::string package = path.substr(0, path.find('.'));
    if (package == "keras_hub" || package == "keras_cv" || package == "keras_nlp") activation_not_a_function(full_config);
  }
  type_error("Could not locate " + obj_type + " '" + name +
             "'. Make sure custom classes and functions are decorated with "
             "`@keras.saving.register_keras_serializable()`. If they are already decorated, make sure they are all "
             "imported so that the decorator is run before trying to load them. Full object config: " +
             python::repr(full_config));
}

// deserialize_keras_object(config), without module objects.
Activation activation_from_dict(const Json& config) {
  if (!config.contains("class_name") || !config.contains("config")) {
    require_plain(config, "activation");
    activation_not_interpreted(config);  // deserializes to a dict, which is not callable
  }
  const Json& class_name = config["class_name"];
  const Json inner_config = config["config"].is_null() ? Json::object() : config["config"];
  if (class_name == "__lambda__") {
    value_error("Requested the deserialization of a Python lambda. This carries a potential risk of arbitrary code "
                "execution and thus it is disallowed by default. If you trust the source of the artifact, you can "
                "override this error by passing `safe_mode=False` to the loading function, or calling "
                "`keras.config.enable_unsafe_deserialization().");
  }
  if (class_name.is_string() &&
      std::find(kSpecialClassNames.begin(), kSpecialClassNames.end(), class_name.get<std::string>()) !=
          kSpecialClassNames.end()) {
    activation_not_a_function(config);
  }
  const Json module = config.contains("module") ? config["module"] : Json();
  if (class_name == "function") {
    if (!inner_config.is_string()) {
      type_error("Expected 'config' to be a non-null str fora function classname,\ninstead got " +
                 python::type_name(inner_config) + "\nFull config: " + python::repr(config));
    }
    return retrieve_activation(inner_config.get<std::string>(), module, "function", config);
  }
  if (!inner_config.is_object()) {
    type_error("Expected 'config' to be a dict for " + python::str(class_name) + ",\ninstead got " +
               python::type_name(inner_config) + "\nFull config: " + python::repr(config));
  }
  // The registered name (default: the class name) is looked up among custom objects first.
  require_hashable(config.contains("registered_name") ? config["registered_name"] : class_name);
  return retrieve_activation(python::str(class_name), module, "class", config);
}

}  // namespace

// What the file being read means by `keras3`, Keras 3's function of that name (layers/dialect.hpp).
Activation in_reading_dialect(Activation keras3) {
  if (keras3 == Activation::HardSigmoid && reading_dialect() != Dialect::Keras3) return Activation::HardSigmoidLegacy;
  return keras3;
}

// The other libraries' functions, by the names their files write.
constexpr std::array<ActivationName, 2> kDialectActivations{{
    {"hard_sigmoid", Activation::HardSigmoidLegacy, true},
    {"gelu_new", Activation::GeluNew, true},  // TensorFlow.js only
}};

Activation parse_activation(const Json& identifier) {
  return with_keras_errors([&] {
    if (identifier.is_null()) return Activation::Linear;
    if (identifier.is_object()) return in_reading_dialect(activation_from_dict(identifier));
    if (identifier.is_string()) {
      if (const ActivationName* entry = find_activation(identifier.get<std::string>(), false)) {
        return in_reading_dialect(entry->activation);
      }
      if (reading_dialect() == Dialect::TensorFlowJs && identifier == "gelu_new") return Activation::GeluNew;
    }
    activation_not_interpreted(identifier);
  });
}

std::string activation_name(Activation activation) {
  for (const auto& entry : kDialectActivations) {
    if (entry.activation == activation) return std::string(entry.name);
  }
  for (const auto& entry : kActivations) {
    if (entry.activation == activation) return std::string(entry.name);
  }
  return "linear";
}

SharedJson serialize_initializer(const Json& identifier) { return serialize_object(kInitializerKind, identifier); }
SharedJson serialize_regularizer(const Json& identifier) { return serialize_object(kRegularizerKind, identifier); }
SharedJson serialize_constraint(const Json& identifier) { return serialize_object(kConstraintKind, identifier); }

}  // namespace inlay::core
