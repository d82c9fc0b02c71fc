package inlay

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func isStatus(err error, s Status) bool { return errors.Is(err, s) }

func loadLogistic(t *testing.T) *Model {
	t.Helper()
	model, err := Load(fixtures(t, "models", "logistic_regression", "model.keras")) // Input (None, 32) -> Dense(16)
	if err != nil {
		t.Fatal(err)
	}
	return model
}

func zeros(shape ...int64) Tensor {
	n, _ := elementCount(shape)
	return Tensor{Shape: shape, Data: make([]float32, n)}
}

func TestMissingFileIsAnIOErrorNamingIt(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.keras")
	model, err := Load(missing)
	if model != nil {
		t.Error("Load of a missing file returned a model")
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != IOError || !errors.Is(err, IOError) || errors.Is(err, ParseError) {
		t.Fatalf("Load(missing) = %#v", err)
	}
	// The library's message (tests/io and the Python binding check the same text).
	if want := "'" + missing + "': cannot open the model file: No such file or directory"; e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
	if e.Error() != e.Message || e.Status.String() != "INLAY_IO_ERROR" {
		t.Errorf("Error() = %q, Status = %v", e.Error(), e.Status)
	}
}

func TestWrongInputShapeIsKerasMessage(t *testing.T) {
	model := loadLogistic(t)
	defer model.Close()
	_, err := model.Predict(zeros(2, 5))
	if !isStatus(err, ShapeMismatch) {
		t.Fatalf("Predict((2, 5)) = %v", err)
	}
	// The text inlay.h documents for inlay_model_predict, Keras's check of model inputs. Keras 3.15.1's
	// model.predict on this file words it "Input 0 with name 'input_layer' of layer 'functional' is
	// incompatible with the layer: expected shape=(None, 32), found shape=(2, 5)"; the binding passes the
	// library's text through unchanged, whichever it is.
	want := `Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: expected shape=(None, 32), found shape=(2, 5)`
	if err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	// Keras's input count check.
	_, err = model.Predict(zeros(1, 32), zeros(1, 32))
	if want := `Layer "functional" expects 1 input(s), but it received 2 input tensors.`; err == nil || err.Error() != want {
		t.Errorf("two inputs: %v, want %q", err, want)
	}
}

func TestDataShorterThanShapeIsRefusedBeforeTheLibraryReadsIt(t *testing.T) {
	model := loadLogistic(t)
	defer model.Close()
	_, err := model.Predict(Tensor{Shape: []int64{2, 32}, Data: make([]float32, 63)})
	if !isStatus(err, InvalidArgument) || !strings.Contains(err.Error(), "holds 64 values, but Data has 63") {
		t.Errorf("short data: %v", err)
	}
	_, err = model.Predict(Tensor{Shape: []int64{2, -1}, Data: nil})
	if !isStatus(err, InvalidArgument) {
		t.Errorf("negative dim: %v", err)
	}
}

func TestMalformedJSONIsAParseError(t *testing.T) {
	_, err := FromJSON("{not json")
	if !isStatus(err, ParseError) || !strings.HasPrefix(err.Error(), "inlay_model_from_json: invalid JSON: ") {
		t.Errorf("FromJSON: %v", err)
	}
	_, err = FromJSON("{}")
	if want := `Not a Keras model config: the model has no "class_name"`; err == nil || err.Error() != want {
		t.Errorf("FromJSON({}): %v, want %q", err, want)
	}
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	model := loadLogistic(t)
	if err := model.Close(); err != nil {
		t.Fatal(err)
	}
	if err := model.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := model.Predict(zeros(1, 32)); err != ErrClosed {
		t.Errorf("Predict after Close: %v", err)
	}
	if _, err := model.Summary(); err != ErrClosed {
		t.Errorf("Summary after Close: %v", err)
	}
	if err := model.SetNumThreads(1); err != ErrClosed {
		t.Errorf("SetNumThreads after Close: %v", err)
	}
	if model.Name() != "" || model.NumThreads() != 0 {
		t.Errorf("accessors after Close: %q, %d", model.Name(), model.NumThreads())
	}

	var none *Model // a nil handle: the same errors, no panic
	if _, err := none.Predict(zeros(1, 32)); err != ErrClosed {
		t.Errorf("Predict on nil: %v", err)
	}
	if err := none.Close(); err != nil {
		t.Errorf("Close on nil: %v", err)
	}
	if _, err := none.Inputs(); err != ErrClosed {
		t.Errorf("Inputs on nil: %v", err)
	}
	var zero Model // a Model{} not made by Load: no C object behind it
	if _, err := zero.Predict(zeros(1, 32)); err != ErrClosed || zero.Close() != nil {
		t.Errorf("Predict on Model{}: %v", err)
	}

	g, err := NewGraph()
	if err != nil {
		t.Fatal(err)
	}
	x, _ := g.Input(`{"shape": [3]}`)
	g.Close()
	g.Close()
	if _, err := g.Input(`{"shape": [3]}`); err != ErrClosed {
		t.Errorf("Input after Close: %v", err)
	}
	if x.Shape() != nil || x.Name() != "" || x.Layer() != nil {
		t.Errorf("tensor of a closed graph: %v %q", x.Shape(), x.Name())
	}
}

// Models and graphs nobody closes are released by their finalizers once unreachable.
func TestFinalizersReleaseUnclosedHandles(t *testing.T) {
	before := finalized.Load()
	const rounds = 10 // each leaves a loaded model, a graph and a model built on it unclosed
	for i := 0; i < rounds; i++ {
		if _, err := Load(fixtures(t, "models", "logistic_regression", "model.keras")); err != nil {
			t.Fatal(err)
		}
		g, _ := NewGraph()
		x, _ := g.Input(`{"shape": [2]}`)
		d, _ := g.NewLayer("Dense", `{"units": 1}`)
		y, _ := d.Call(x)
		if _, err := g.Model([]*KerasTensor{x}, y, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Finalizers run on their own goroutine after a collection finds the handles unreachable.
	for attempt := 0; attempt < 100 && finalized.Load()-before < 3*rounds; attempt++ {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if n := finalized.Load() - before; n < 3*rounds {
		t.Errorf("%d of %d unclosed handles finalized", n, 3*rounds)
	}
}

func TestLastErrorIsPerOSThread(t *testing.T) {
	// Why the binding reads the message inside the failing call (errors.go): a second cgo call, made after
	// the goroutine moved to another OS thread, reads that thread's message. Shown here with two goroutines
	// pinned to two different threads (LockOSThread gives each its own).
	path := filepath.Join(t.TempDir(), "pinned.keras")
	failed := make(chan struct{})
	done := make(chan struct{})
	var own string
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		Load(path)
		own = lastErrorOnThisThread()
		close(failed)
		<-done
	}()
	<-failed
	other := make(chan string)
	go func() {
		runtime.LockOSThread() // a thread other than the first goroutine's, which stays locked to it
		defer runtime.UnlockOSThread()
		other <- lastErrorOnThisThread()
	}()
	seen := <-other
	close(done)
	if !strings.Contains(own, path) {
		t.Errorf("the failing thread's message %q does not name %s", own, path)
	}
	if strings.Contains(seen, path) {
		t.Errorf("another thread read this thread's message %q", seen)
	}
}

// Many goroutines fail at once, on one shared model and on loads, each with an argument of its own; each
// gets the message for its own call.
func TestConcurrentErrorsKeepTheirOwnMessage(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8)) // more Ps than cores: goroutines change threads often
	model := loadLogistic(t)
	defer model.Close()
	dir := t.TempDir()
	const goroutines, rounds = 32, 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*goroutines*rounds) // room for both errors of every round: never blocks
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				width := int64(1 + (g*rounds+r)%31) // never 32, so always wrong
				_, err := model.Predict(zeros(2, width))
				want := fmt.Sprintf(`Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: `+
					"expected shape=(None, 32), found shape=(2, %d)", width)
				if err == nil || err.Error() != want {
					errs <- fmt.Errorf("goroutine %d: %v, want %q", g, err, want)
				}
				missing := filepath.Join(dir, fmt.Sprintf("g%d-r%d.keras", g, r))
				_, err = Load(missing)
				if want := "'" + missing + "': cannot open the model file: No such file or directory"; err == nil ||
					err.Error() != want {
					errs <- fmt.Errorf("goroutine %d: %v, want %q", g, err, want)
				}
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Concurrent Predicts on one model agree with a single one; Close waits for them.
func TestConcurrentPredictAndClose(t *testing.T) {
	dir := fixtures(t, "models", "mnist_cnn_functional")
	model, err := Load(filepath.Join(dir, "model.keras"))
	if err != nil {
		t.Fatal(err)
	}
	x := readNpy(t, filepath.Join(dir, "predict", "input_0.npy"))
	want := readNpy(t, filepath.Join(dir, "predict", "output_0.npy"))
	if err := model.SetNumThreads(1); err != nil {
		t.Fatal(err)
	}
	var wg, firstDone sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		firstDone.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 8; r++ {
				got, err := model.Predict(x)
				if r == 0 {
					firstDone.Done()
				}
				if err == ErrClosed && r > 0 {
					return // Close came first
				}
				if err != nil {
					errs <- err
					return
				}
				if err := allClose(got[0], want, 1e-5, 1e-5); err != nil {
					errs <- err
				}
			}
		}()
	}
	firstDone.Wait() // every goroutine has predicted once; most still have Predicts to make
	model.Close()    // waits for Predicts in flight; later ones get ErrClosed
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
