// The text Keras gives an error raised while a layer infers its outputs (compute_output_spec, run inside
// Operation.__call__): traceback_utils wraps the message with the class name and the call's arguments.
// Errors raised in build() are not wrapped.
#pragma once

#include <string_view>
#include <vector>

#include "graph/keras_tensor.hpp"
#include "util/error.hpp"

namespace inlay::core {

// "Exception encountered when calling Reshape.call().\n\n\x1b[1m<message>\x1b[0m\n\nArguments received by
// Reshape.call():\n  • args=('<KerasTensor shape=..., name=keras_tensor>',)\n  • kwargs=<class 'inspect._empty'>"
// for a call on one tensor; a call on several lists them: args=(['<KerasTensor ...>', ...],); a call on
// none ends with "inputs=[]".
[[noreturn]] void throw_call_error(std::string_view class_name, const std::vector<const KerasTensor*>& inputs,
                                   const Error& error);

// Runs `infer` (a layer's output inference), rethrowing its errors as Keras's wrapped call errors.
template <typename F>
auto wrap_call_errors(std::string_view class_name, const std::vector<const KerasTensor*>& inputs, F&& infer)
    -> decltype(infer()) {
  try {
    return infer();
  } catch (const Error& error) {
    throw_call_error(class_name, inputs, error);
  }
}

}  // namespace inlay::core
