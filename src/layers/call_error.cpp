#include "layers/call_error.hpp"

#include <string>

#include "util/python_text.hpp"

namespace inlay::core {

void throw_call_error(std::string_view class_name, const std::vector<const KerasTensor*>& inputs, const Error& error) {
  const std::string call = std::string(class_name) + ".call()";
  const std::string head = "Exception encountered when calling " + call + ".\n\n\x1b[1m" + error.what() +
                           "\x1b[0m\n\nArguments received by " + call + ":\n  \u2022 ";
  if (inputs.empty()) throw Error(error.status(), head + "inputs=[]");  // Keras names the empty list itself
  std::string args;
  if (inputs.size() == 1) {
    args = "(" + python::quote(keras_tensor_repr(*inputs.front())) + ",)";
  } else {
    args = "([";
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (i > 0) args += ", ";
      args += python::quote(keras_tensor_repr(*inputs[i]));
    }
    args += "],)";
  }
  throw Error(error.status(), head + "args=" + args + "\n  \u2022 kwargs=<class 'inspect._empty'>");
}

}  // namespace inlay::core
