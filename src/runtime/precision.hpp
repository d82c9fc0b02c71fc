// The arithmetic a model runs in (inlay_precision), with no oneDNN in sight: what the C ABI sets.
#pragma once

namespace inlay::runtime {

// The arithmetic of Dense / Conv (inlay_precision, same order). Float32 lets 3x3 stride-1 convolutions use
// Winograd's minimal filtering where it is faster; Float32Strict keeps every convolution direct.
enum class Precision { Float32, BFloat16, Float32Strict };

}  // namespace inlay::runtime
