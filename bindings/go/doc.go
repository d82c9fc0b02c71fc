// Package inlay runs Keras models from Go: a cgo binding of libinlay's C ABI (include/inlay/inlay.h).
//
// Load a .keras, .h5 or TensorFlow.js model and predict on float32 data:
//
//	model, err := inlay.Load("model.keras")
//	if err != nil {
//		log.Fatal(err) // an *inlay.Error: Keras's message and the inlay_status
//	}
//	defer model.Close()
//	out, err := model.Predict(inlay.Tensor{Shape: []int64{2, 32}, Data: x})
//	// out[0].Shape, out[0].Data
//
// Errors are *Error values carrying the library's status and message (Keras's own text where Keras raises
// an error); errors.Is(err, inlay.ShapeMismatch) tests the status. Handles (Model, Graph) are released
// with Close, which may be called more than once; finalizers release forgotten ones, late.
//
// Models may be used from many goroutines at once: Predict runs concurrently, while calls that change a
// model (SetNumThreads, SetWeight, Close, ...) wait for running Predicts. The library's per-thread last
// error is read inside the same C call as the failing function (see errors.go), so each goroutine gets
// its own message even when Go moves it between OS threads.
package inlay
