// Embedding: a gather of rows of the (input_dim, output_dim) table by integer ids, hand-written (oneDNN 2.6
// has no gather): one memcpy per id, bounds-checked at run time. Ids are read as stored (int32 / int64 model
// inputs, no rounding through float32); float ids are cast to int32 as Keras does (truncation). Negative ids
// wrap once (Keras's ops.take on TensorFlow adds input_dim); an id still outside [0, input_dim) fails the run
// with TensorFlow's GatherV2 message. With mask_zero the same step writes the Keras mask, ids != 0.
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "layers/embedding.hpp"
#include "runtime/gather_indices.hpp"
#include "runtime/lowerings.hpp"
#include "runtime/quantized_weights.hpp"

namespace inlay::runtime {

namespace {

struct Gather {
  std::string who;  // "layer '<name>'", for the out-of-range message
  std::vector<int64_t> id_dims;
  core::DType dtype;
  int64_t rows, width, count;
  dnnl::memory table;
  ValueId ids, out;
  std::optional<ValueId> mask;

  int64_t id_at(const void* data, int64_t i) const { return gather_index(dtype, data, i); }
  bool nonzero(const void* data, int64_t i) const {
    // ops.not_equal(inputs, 0) on the ids as given (before the cast of float ids).
    if (dtype == core::DType::Float32) return static_cast<const float*>(data)[i] != 0.0f;
    return id_at(data, i) != 0;
  }

  void operator()(const RunContext& ctx) const {
    const void* src = ctx.data(ids);
    const auto* rows_data = static_cast<const float*>(table.get_data_handle());
    float* dst = ctx.f32(out);
    const std::size_t row_bytes = static_cast<std::size_t>(width) * sizeof(float);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t id = checked_gather_index(id_at(src, i), rows, i, id_dims, who);
      std::memcpy(dst + i * width, rows_data + id * width, row_bytes);
    }
    if (mask) {
      float* m = ctx.f32(*mask);
      for (int64_t i = 0; i < count; ++i) m[i] = nonzero(src, i) ? 1.0f : 0.0f;
    }
  }
};

// The float table Keras's quantized Embedding looks rows up in: it gathers integer rows and descales them
// element by element, which is this table's elements computed once (int8 / int4: q / scale of the row; int4
// in blocks: (q - zero) * scale of the row's block).
std::vector<float> dequantized_table(const core::Embedding& layer) {
  const core::Quantization& q = layer.quantization();
  const int64_t rows = layer.input_dim(), cols = layer.output_dim();
  const std::vector<float> ints = integer_values(q, weight_values(layer, "embeddings"), rows, cols);
  const std::span<const float> scale = weight_values(layer, "embeddings_scale");
  if (!q.sub_channel()) return divide_rows(ints, rows, cols, scale);
  return dequantize_groups(ints, rows, cols, scale, weight_values(layer, "embeddings_zero"), weight_values(layer, "g_idx"),
                           -1, layer.name());
}

void lower_embedding(PlanBuilder& b, const core::Embedding& layer, const Node& node) {
  const std::string& name = layer.name();
  ValueId ids = b.stored_value_of(node.inputs[0]);
  if (b.value(ids).dtype == core::DType::Float32) ids = b.to_plain(ids, name);
  std::vector<int64_t> out_dims = b.dims(ids);
  out_dims.push_back(layer.output_dim());
  b.check_dims(node.outputs[0], out_dims, name);

  Gather gather{"layer '" + name + "'", b.dims(ids), b.value(ids).dtype, layer.input_dim(), layer.output_dim(),
                product(b.dims(ids), 0, b.dims(ids).size()), {}, ids, b.add_plain(out_dims), std::nullopt};
  std::span<const float> table = weight_values(layer, "embeddings");
  std::vector<float> dequantized;
  if (layer.quantization().quantized()) {
    dequantized = dequantized_table(layer);
    table = dequantized;
  }
  const dnnl::memory::desc table_md = plain_md({layer.input_dim(), layer.output_dim()});
  gather.table = b.constant(table_md, table.data(), table_md);
  if (layer.mask_zero()) gather.mask = b.add_plain(b.dims(ids));

  std::vector<ValueId> writes = {gather.out};
  if (gather.mask) writes.push_back(*gather.mask);
  const ValueId out = gather.out;
  const std::optional<ValueId> mask = gather.mask;
  b.add_custom(name, std::move(gather), {ids}, std::move(writes));
  b.set_output(node.outputs[0], out);
  if (mask) b.set_mask(node.outputs[0], *mask);
}

}  // namespace

const LayerLowering embedding_lowering = {.lower = lower_as<core::Embedding, lower_embedding>,
                                          .masking = Masking::Computes, .needs_nonempty_inputs = true};

}  // namespace inlay::runtime
