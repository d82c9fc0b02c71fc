// inlay — command-line tool.
//   inlay --version        library version
//   inlay demo             builds the Keras docs' example inputs on the placeholder graph and prints them
//   inlay input KWARGS     keras.Input(**KWARGS) with KWARGS as JSON; prints the tensor or Keras's error
//   inlay spec JSON        validates a type spec and prints its canonical JSON
//   inlay summary MODEL    Keras's model.summary() of a .keras file, a TensorFlow.js model.json, or a file
//                          holding a model's JSON (Keras 3 / tf.keras to_json())
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <iostream>
#include <string>

#include "inlay/inlay.hpp"

namespace {

std::string shape_text(const inlay::tensor& t) {
  if (t.rank() < 0) return "<unknown rank>";
  std::string out = "(";
  const auto dims = t.shape();
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += ", ";
    out += dims[i] == INLAY_DIM_NONE ? "None" : std::to_string(dims[i]);
  }
  return out + (dims.size() == 1 ? ",)" : ")");
}

void print_tensor(const inlay::tensor& t) {
  const inlay::layer producer = t.layer();
  std::cout << "  tensor " << t.name() << "  shape=" << shape_text(t) << "  dtype=" << inlay::dtype_name(t.dtype())
            << (t.sparse() ? "  sparse" : "") << (t.ragged() ? "  ragged" : "") << "\n"
            << "    spec:   " << t.spec().to_json() << "\n"
            << "    layer:  " << producer.name() << " (" << producer.class_name() << ")\n"
            << "    config: " << producer.get_config() << "\n";
}

int run_demo() {
  std::cout << "inlay " << inlay::version() << "\nruntime: " << inlay::runtime_info() << "\n\n";
  struct Example {
    const char* title;
    const char* kwargs;
  };
  // The inputs of the Keras docs' examples: logistic regression, an MNIST-style image, a sparse
  // bag-of-words, and variable-length sequences of 8-d vectors.
  const Example examples[] = {
      {"x = keras.Input(shape=(32,))", R"({"shape":[32]})"},
      {"img = keras.Input(shape=(28, 28, 1), name=\"img\")", R"({"shape":[28,28,1],"name":"img"})"},
      {"bow = keras.Input(shape=(1000,), sparse=True)", R"({"shape":[1000],"sparse":true})"},
      {"seq = keras.Input(shape=(None, 8), ragged=True)", R"({"shape":[null,8],"ragged":true})"},
  };
  inlay::graph graph;
  for (const auto& example : examples) {
    std::cout << ">>> " << example.title << "\n";
    print_tensor(graph.input(example.kwargs));
  }
  std::cout << "\n>>> keras.Input(shape=(32,), batch_shape=(None, 32))  # Keras rejects this, so does inlay\n";
  try {
    graph.input(R"({"shape":[32],"batch_shape":[null,32]})");
    std::cout << "  unexpectedly accepted\n";
    return 1;
  } catch (const inlay::error& e) {
    std::cout << "  " << inlay_status_name(e.status()) << ": " << e.what() << "\n";
  }
  return 0;
}

int run_input(const std::string& kwargs) {
  try {
    inlay::graph graph;
    print_tensor(graph.input(kwargs));
    return 0;
  } catch (const inlay::error& e) {
    std::cerr << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    return 2;
  }
}

int run_spec(const std::string& json) {
  try {
    std::cout << inlay::spec::from_json(json).to_json() << "\n";
    return 0;
  } catch (const inlay::error& e) {
    std::cerr << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    return 2;
  }
}

// A JSON file is a model config (or a TensorFlow.js model.json); anything else goes to the file loader.
inlay::model open_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw inlay::error(INLAY_IO_ERROR, "cannot open " + path);
  const int first = in.peek();
  const bool looks_like_json = first == '{';
  if (looks_like_json && path.find("model.json") == std::string::npos) {
    std::ostringstream text;
    text << in.rdbuf();
    return inlay::model::from_json(text.str());
  }
  return inlay::model::load(path);
}

int run_summary(const std::string& path) {
  try {
    std::cout << open_model(path).summary();
    return 0;
  } catch (const inlay::error& e) {
    std::cerr << inlay_status_name(e.status()) << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"inlay: Keras's Input/InputLayer/TypeSpec and placeholder graph in native code"};
  app.set_version_flag("--version", std::string("inlay ") + inlay::version());
  app.require_subcommand(1);

  auto* demo = app.add_subcommand("demo", "Build the Keras docs' example inputs and print their specs");
  std::string kwargs;
  auto* input = app.add_subcommand("input", "Run keras.Input(**KWARGS); KWARGS is a JSON object");
  input->add_option("kwargs", kwargs, "Keras keyword arguments as JSON, e.g. '{\"shape\":[32]}'")->required();
  std::string spec_json;
  auto* spec = app.add_subcommand("spec", "Validate a type spec given as JSON and print it");
  spec->add_option("json", spec_json, "e.g. '{\"kind\":\"ragged\",\"shape\":[null,null,8]}'")->required();

  std::string model_path;
  auto* summary = app.add_subcommand("summary", "Print Keras's model.summary() of a model file");
  summary->add_option("model", model_path, "a .keras file, a TensorFlow.js model.json, or a model JSON file")
      ->required();

  CLI11_PARSE(app, argc, argv);
  try {
    if (*demo) return run_demo();
    if (*input) return run_input(kwargs);
    if (*spec) return run_spec(spec_json);
    if (*summary) return run_summary(model_path);
  } catch (const std::exception& e) {
    std::cerr << "inlay: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
