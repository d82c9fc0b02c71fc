package inlay

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// predictManifest is tests/fixtures/predict_cases.json: small models with Keras's weights, inputs and
// outputs ("cases"), and the model files under models/ with the .npy inputs and outputs Keras recorded
// ("models").
type predictManifest struct {
	Tolerance struct{ Atol, Rtol float64 }
	Cases     []struct {
		Name        string
		Model       json.RawMessage
		Weights     []any
		WeightPaths []string `json:"weight_paths"`
		Inputs      []caseArray
		Outputs     []caseArray
	}
	Models []struct {
		Case                        string
		Inputs, Outputs             []string
		SameWeightsInTfKerasAndTfjs bool    `json:"same_weights_in_tf_keras_and_tfjs"`
		TfKerasMaxAbsDiff           float64 `json:"tf_keras_max_abs_diff"`
	}
}

type caseArray struct {
	Kind   string
	Shape  []int64
	Values []float32
}

func loadManifest(t *testing.T) predictManifest {
	var m predictManifest
	readJSON(t, fixtures(t, "predict_cases.json"), &m)
	if len(m.Cases) == 0 || len(m.Models) == 0 || m.Tolerance.Atol == 0 {
		t.Fatal("predict_cases.json: no cases, models or tolerance")
	}
	return m
}

// checkPredict predicts the recorded inputs and compares with the recorded outputs.
func checkPredict(t *testing.T, model *Model, inputs, want []Tensor, atol, rtol float64) {
	t.Helper()
	got, err := model.Predict(inputs...)
	if err != nil {
		t.Fatalf("Predict: %v (%v)", err, errorStatus(err))
	}
	if len(got) != len(want) {
		t.Fatalf("%d outputs, want %d", len(got), len(want))
	}
	for k := range want {
		if err := allClose(got[k], want[k], atol, rtol); err != nil {
			t.Errorf("output %d: %v", k, err)
		}
	}
}

func errorStatus(err error) Status {
	if e, ok := err.(*Error); ok {
		return e.Status
	}
	return -1
}

// Every model file Keras saved under tests/fixtures/models (63 models: Dense, Conv, BatchNormalization,
// pooling, merges, shared layers, nested models, several inputs and outputs), loaded as .keras, as the
// TensorFlow.js export of the same weights, and as Keras 3 .h5 where there is one, predicts what Keras
// recorded.
func TestPredictModelFiles(t *testing.T) {
	m := loadManifest(t)
	for _, c := range m.Models {
		c := c
		t.Run(c.Case, func(t *testing.T) {
			var inputs, want []Tensor
			for _, p := range c.Inputs {
				inputs = append(inputs, readNpy(t, fixtures(t, p)))
			}
			for _, p := range c.Outputs {
				want = append(want, readNpy(t, fixtures(t, p)))
			}
			files := []string{"model.keras"}
			if c.SameWeightsInTfKerasAndTfjs {
				files = append(files, "tfjs")
			}
			if _, err := os.Stat(fixtures(t, "models", c.Case, "model_keras3.h5")); err == nil {
				files = append(files, "model_keras3.h5")
			}
			for _, f := range files {
				path := fixtures(t, "models", c.Case, f)
				model, err := Load(path)
				if err != nil {
					t.Fatalf("Load(%s): %v", f, err)
				}
				atol := m.Tolerance.Atol
				if f == "tfjs" { // tfjs holds tf.keras's model of the same weights; it differed from Keras 3 by this
					atol += c.TfKerasMaxAbsDiff
				}
				t.Run(f, func(t *testing.T) { checkPredict(t, model, inputs, want, atol, m.Tolerance.Rtol) })
				model.Close()
			}
		})
	}
}

// The small models of predict_cases.json (one or two layers each: every activation, Conv / pooling
// variants, normalization, merges, ...), built from Keras's model.to_json() with Keras's weights set one by
// one, predict what Keras predicted. Sparse and ragged inputs are outside this binding's Tensor.
func TestPredictKerasCases(t *testing.T) {
	m := loadManifest(t)
	ran := 0
	for _, c := range m.Cases {
		c := c
		dense := true
		for _, a := range append(append([]caseArray{}, c.Inputs...), c.Outputs...) {
			dense = dense && a.Kind == "dense"
		}
		if !dense {
			continue
		}
		ran++
		t.Run(c.Name, func(t *testing.T) {
			model, err := FromJSON(string(c.Model))
			if err != nil {
				t.Fatalf("FromJSON: %v", err)
			}
			defer model.Close()
			weights, err := model.Weights()
			if err != nil {
				t.Fatal(err)
			}
			if len(weights) != len(c.WeightPaths) {
				t.Fatalf("%d weights, Keras has %d", len(weights), len(c.WeightPaths))
			}
			for i, w := range weights {
				if w.Path != c.WeightPaths[i] {
					t.Errorf("weight %d is %q, Keras's is %q", i, w.Path, c.WeightPaths[i])
				}
				if err := model.SetWeight(i, flatten(c.Weights[i], nil)); err != nil {
					t.Fatalf("SetWeight(%d): %v", i, err)
				}
			}
			var inputs, want []Tensor
			for _, a := range c.Inputs {
				inputs = append(inputs, Tensor{Shape: a.Shape, Data: a.Values})
			}
			for _, a := range c.Outputs {
				want = append(want, Tensor{Shape: a.Shape, Data: a.Values})
			}
			checkPredict(t, model, inputs, want, m.Tolerance.Atol, m.Tolerance.Rtol)
		})
	}
	if ran < 300 {
		t.Errorf("only %d dense cases ran; the fixtures have about 305", ran)
	}
}

// Weights read back are the values set, and Inputs/Outputs describe a loaded model as Keras does.
func TestModelDescription(t *testing.T) {
	model, err := Load(fixtures(t, "models", "two_inputs_two_outputs", "model.keras"))
	if err != nil {
		t.Fatal(err)
	}
	defer model.Close()
	ins, err := model.Inputs()
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := model.Outputs()
	// Keras 3 (keras.models.load_model): inputs 'a' (None, 3) and 'b' (None, 5), model name 'functional'.
	if got := fmt.Sprint(ins); got != "[{a [-1 3] float32} {b [-1 5] float32}]" {
		t.Errorf("Inputs() = %s", got)
	}
	if len(outs) != 2 || fmt.Sprint(outs[0].Shape) != "[-1 2]" || fmt.Sprint(outs[1].Shape) != "[-1 2]" {
		t.Errorf("Outputs() = %v", outs)
	}
	if model.Name() != "functional" {
		t.Errorf("Name() = %q", model.Name())
	}
	summary, err := model.Summary()
	if err != nil || len(summary) == 0 || summary[len(summary)-1] != '\n' {
		t.Errorf("Summary() = %q, %v", summary, err)
	}
	if err := model.SetWeight(0, make([]float32, 99)); !isStatus(err, ShapeMismatch) {
		t.Errorf("SetWeight with 99 values: %v", err)
	}
	w0, err := model.Weight(0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range w0 {
		w0[i] = float32(i)
	}
	if err := model.SetWeight(0, w0); err != nil {
		t.Fatal(err)
	}
	back, _ := model.Weight(0)
	if fmt.Sprint(back) != fmt.Sprint(w0) {
		t.Errorf("Weight(0) after SetWeight = %v, want %v", back, w0)
	}
	if _, err := model.Weight(1000); !isStatus(err, NotFound) {
		t.Errorf("Weight(1000): %v", err)
	}
}

// Threads: the count is the model's, and predictions do not depend on it.
func TestSetNumThreads(t *testing.T) {
	path := fixtures(t, "models", "conv_bn_relu", "model.keras")
	model, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer model.Close()
	x := readNpy(t, fixtures(t, "models", "conv_bn_relu", "predict", "input_0.npy"))
	want := readNpy(t, fixtures(t, "models", "conv_bn_relu", "predict", "output_0.npy"))
	for _, n := range []int{1, 2} {
		if err := model.SetNumThreads(n); err != nil {
			t.Fatal(err)
		}
		if model.NumThreads() != n {
			t.Errorf("NumThreads() = %d after SetNumThreads(%d)", model.NumThreads(), n)
		}
		checkPredict(t, model, []Tensor{x}, []Tensor{want}, 1e-5, 1e-5)
	}
	err = model.SetNumThreads(5000)
	if !isStatus(err, InvalidArgument) {
		t.Errorf("SetNumThreads(5000): %v", err)
	}
}

func TestLoadOptions(t *testing.T) {
	path := fixtures(t, "models", "logistic_regression", "model.keras") // 32x16 + 16 float32 = 2112 bytes
	limit := uint64(100)
	_, err := LoadWithOptions(path, LoadOptions{MaxWeightBytes: &limit})
	if !isStatus(err, OutOfMemory) {
		t.Errorf("LoadWithOptions(max 100 bytes): %v", err)
	}
	limit = 1 << 20
	model, err := LoadWithOptions(path, LoadOptions{MaxWeightBytes: &limit})
	if err != nil {
		t.Fatal(err)
	}
	model.Close()
	if _, err := Load(filepath.Join(fixtures(t, "models", "conv_bn_relu", "tfjs"), "model.json")); err != nil {
		t.Errorf("Load(tfjs model.json): %v", err)
	}
}

// The two model folders outside the manifest: a nested model (a Sequential holding a Functional) and a
// TimeDistributed wrapper, each saved by Keras 3 as .keras and as legacy .h5, with Keras's output.
func TestPredictNestedAndWrapperModelFiles(t *testing.T) {
	for _, dir := range []string{"nested", "time_distributed"} {
		x := readNpy(t, fixtures(t, "models", dir, "input.npy"))
		want := readNpy(t, fixtures(t, "models", dir, "expected.npy"))
		for _, f := range []string{"model.keras", "model_keras3.h5"} {
			t.Run(dir+"/"+f, func(t *testing.T) {
				model, err := Load(fixtures(t, "models", dir, f))
				if err != nil {
					t.Fatal(err)
				}
				defer model.Close()
				checkPredict(t, model, []Tensor{x}, []Tensor{want}, 1e-5, 1e-5)
			})
		}
	}
	// A .keras file missing a nested layer's weights: the loader's ParseError names the layer.
	_, err := Load(fixtures(t, "models", "nested", "missing_inner.keras"))
	if !isStatus(err, ParseError) || !strings.Contains(err.Error(), "has no weights for layer 'mixer_down'") {
		t.Errorf("missing_inner.keras: %v", err)
	}
}
