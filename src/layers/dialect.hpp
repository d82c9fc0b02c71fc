// Which library wrote the model being read. A model file means what the library that wrote it computes, and
// the three libraries inlay reads do not compute the same thing under every name: tf.keras 2's and
// TensorFlow.js's hard_sigmoid is clip(0.2x + 0.5, 0, 1), Keras 3's relu6(x + 3) / 6; TensorFlow.js alone
// has gelu_new (the tanh approximation). The file readers know the producer (src/io/model_json.cpp's
// dialect_of) and declare it for the time they build the model; the readers of layer arguments
// (serialization.cpp) ask for it where a name means different things. A model built through the API, or read
// outside any declared dialect, follows Keras 3.
#pragma once

namespace inlay::core {

enum class Dialect {
  Keras3,        // a .keras file, Keras 3's to_json, a legacy .h5 saved by Keras 3 (keras_version 3.x)
  TfKeras2,      // tf.keras 2 / Keras 2 (and older): its .h5 files (keras_version < 3) and to_json
  TensorFlowJs,  // a TensorFlow.js layers model.json: TensorFlow.js runs it, whoever converted it
};

// The dialect of the model this thread is reading (Keras3 when none is).
Dialect reading_dialect();

// Declares `dialect` on this thread while it lives; nested scopes restore the outer one.
class DialectScope {
 public:
  explicit DialectScope(Dialect dialect);
  ~DialectScope();
  DialectScope(const DialectScope&) = delete;
  DialectScope& operator=(const DialectScope&) = delete;

 private:
  Dialect previous_;
};

}  // namespace inlay::core
