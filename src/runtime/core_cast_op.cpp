// The Cast and ConvertToTensor op-layers. inlay's values are float32: a cast to a float dtype at least as wide
// (float32, float64) and ConvertToTensor without a dtype are the identity (no step: the output is the input's
// value); a cast to an integer or bool dtype is a step computing TensorFlow's result values as float32:
// truncation toward zero, with x86's INT_MIN for NaN and out-of-range values (cvttss2si), narrower integers
// wrapped from int32 (Eigen's static_cast), bool as x != 0. Casts to narrower floats (float16, bfloat16) and
// to the unsigned 32/64-bit or other dtypes are refused.
#include <cmath>
#include <limits>

#include "layers/core_cast_op.hpp"
#include "runtime/lowerings.hpp"

namespace inlay::runtime {

using core::DType;

namespace {

// TensorFlow's float32 -> int32 cast on x86.
int32_t to_int32(float v) {
  if (!(v > -2147483649.0f && v < 2147483648.0f)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

// TensorFlow's float32 -> int64 cast on x86 (cvttss2si with a 64-bit destination).
int64_t to_int64(float v) {
  if (!(v >= -9223372036854775808.0f && v < 9223372036854775808.0f)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

// The float32 value of casting v to `to`.
float cast_value(float v, DType to) {
  switch (to) {
    case DType::Bool: return v != 0.0f ? 1.0f : 0.0f;  // NaN != 0: true, as tf.cast gives
    case DType::Int64: return static_cast<float>(to_int64(v));
    case DType::Int32: return static_cast<float>(to_int32(v));
    case DType::Int16: return static_cast<float>(static_cast<int16_t>(to_int32(v)));
    case DType::Int8: return static_cast<float>(static_cast<int8_t>(to_int32(v)));
    case DType::UInt16: return static_cast<float>(static_cast<uint16_t>(to_int32(v)));
    case DType::UInt8: return static_cast<float>(static_cast<uint8_t>(to_int32(v)));
    default: return v;
  }
}

bool computed_by_step(DType to) {
  switch (to) {
    case DType::Bool:
    case DType::Int64:
    case DType::Int32:
    case DType::Int16:
    case DType::Int8:
    case DType::UInt16:
    case DType::UInt8: return true;
    default: return false;
  }
}

void lower_cast(PlanBuilder& b, const core::CoreCastOp& op, const Node& node) {
  const std::string& name = op.name();
  const auto x_arg = op.operand(op.call_of(node), 0, "x");
  const ValueId x = b.value_of(node.inputs.at(static_cast<std::size_t>(x_arg.tensor)));
  const std::optional<DType> to = op.target();
  if (!to || *to == DType::Float32 || *to == DType::Float64) {
    b.check_dims(node.outputs[0], b.dims(x), name);
    b.set_output(node.outputs[0], b.add_alias(x, b.dims(x)));
    return;
  }
  if (!computed_by_step(*to)) {
    throw_unsupported(name, std::string("a cast to ") + std::string(core::dtype_name(*to)) +
                                " (inlay's runtime computes in float32; casts to float32, float64, bool and "
                                "8/16/32/64-bit integers are supported)");
  }
  const ValueId in = b.to_plain(x, name);
  const std::vector<int64_t> dims = b.dims(in);
  b.check_dims(node.outputs[0], dims, name);
  const ValueId out = b.add_plain(dims);
  const int64_t count = product(dims, 0, dims.size());
  const DType target = *to;
  b.add_custom(name,
               [in, out, count, target](const RunContext& ctx) {
                 const float* src = ctx.f32(in);
                 float* dst = ctx.f32(out);
                 for (int64_t i = 0; i < count; ++i) dst[i] = cast_value(src[i], target);
               },
               {in}, {out});
  b.set_output(node.outputs[0], out);
}

}  // namespace

const LayerLowering core_cast_lowering = {.lower = lower_as<core::CoreCastOp, lower_cast>};

}  // namespace inlay::runtime
