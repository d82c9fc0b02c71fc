// The argument handling and shape arithmetic shared by the convolution and pooling layers, as Keras does
// it (keras/src/utils/argument_validation.py, keras/src/backend/config.py standardize_data_format,
// keras/src/ops/operation_utils.py compute_conv_output_shape / compute_pooling_output_shape), with
// Keras's messages. Values keep the Python types Keras keeps (a kernel_size of (3.0, 3) stays so in the
// config), which is why tuples are JSON arrays here.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "layers/layer_args.hpp"
#include "types/shape.hpp"
#include "util/json.hpp"

namespace inlay::core::conv_utils {

// Python's TypeError for a call that leaves out required arguments:
// "Conv2D.__init__() missing 2 required positional arguments: 'filters' and 'kernel_size'".
void require_arguments(const LayerArgs& args, std::initializer_list<const char*> names);

// argument_validation.standardize_tuple: an int becomes n copies; an iterable of n numbers is kept
// element by element. Returns a JSON array of n numbers (int, bool or float, as Python keeps them).
Json standardize_tuple(const Json& value, int n, const std::string& name, bool allow_zero = false);

// argument_validation.standardize_padding: a list/tuple is kept as is, a string is lowercased and must be
// "valid" or "same" (or "causal" when allowed).
Json standardize_padding(const Json& value, bool allow_causal);

// backend.standardize_data_format: None -> "channels_last", else str(value).lower() checked.
std::string standardize_data_format(const Json& value);

// int(x) of an element of a standardized tuple (bools as 0/1, floats truncated).
int64_t to_int(const Json& value);

// int(v) of a finite float, saturated to int64 (Python's int has no bounds; a cast of a float past them
// would be undefined behaviour).
int64_t saturated_int(double v);
std::vector<int64_t> to_ints(const Json& tuple);

// operation_utils.compute_conv_output_shape. `filters` may be null (an unknown output channel count);
// `padding` is the standardized value (a string, or the list Keras let through).
Shape compute_conv_output_shape(const Shape& input_shape, const Json& filters, const Json& kernel_size,
                                const Json& strides, const Json& padding, const std::string& data_format,
                                const Json& dilation_rate);

// backend_utils._get_output_shape_given_tf_padding: the length of a transposed convolution's output along
// one axis of `input` elements ("valid" / "same"; output_padding < 0 for None). An output past int64 is
// refused (InvalidArgument).
int64_t conv_transpose_output_length(int64_t input, int64_t kernel_size, int64_t stride, const std::string& padding,
                                     int64_t output_padding, int64_t dilation_rate);

// backend_utils.compute_conv_transpose_output_shape (what Conv{1,2,3}DTranspose report). `output_padding`
// is null or a standardized tuple; `padding` the standardized value.
Shape compute_conv_transpose_output_shape(const Shape& input_shape, const Json& kernel_size, const Json& filters,
                                          const Json& strides, const Json& padding, const Json& output_padding,
                                          const std::string& data_format, const Json& dilation_rate);

// operation_utils.compute_pooling_output_shape. `padding` is the raw value the pooling layer keeps.
Shape compute_pooling_output_shape(const Shape& input_shape, const Json& pool_size, const Json& strides,
                                   const Json& padding, const std::string& data_format);

// Python text helpers the messages above need.
// str(np.array(values)) for a 1-D array; `object_dtype` prints elements unpadded as object arrays do.
std::string numpy_str(const std::vector<Json>& values, bool object_dtype = false);
// repr(set(values)) of numbers, in CPython's iteration order for small sets.
std::string python_set_repr(const std::vector<Json>& values);

// Python arithmetic on JSON numbers (int, bool, float): a % b and a // b with Python's result types, and
// a <= 0 ("'<=' not supported between instances of 'str' and 'int'" for non-numbers).
Json py_mod(const Json& a, const Json& b);
Json py_floordiv(const Json& a, const Json& b);
bool py_le_zero(const Json& value);
bool is_py_number(const Json& value);
double py_number(const Json& value);

}  // namespace inlay::core::conv_utils
