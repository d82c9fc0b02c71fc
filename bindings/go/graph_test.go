package inlay

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// A model built through the functional API predicts x @ kernel + bias, computed here by hand.
func TestBuildDenseModelAndPredict(t *testing.T) {
	g, err := NewGraph()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	x, err := g.Input(`{"shape": [3], "name": "features"}`)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(x.Shape()) != "[-1 3]" || x.DType() != "float32" || x.Layer().Name() != "features" ||
		x.Layer().ClassName() != "InputLayer" {
		t.Errorf("Input: %v %s %s", x.Shape(), x.DType(), x.Layer().Name())
	}
	dense, err := g.NewLayer("Dense", `{"units": 2, "name": "head"}`)
	if err != nil {
		t.Fatal(err)
	}
	y, err := dense.Call(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(y) != 1 || fmt.Sprint(y[0].Shape()) != "[-1 2]" {
		t.Fatalf("Dense output: %v", y)
	}
	config, err := dense.Config()
	if err != nil || !strings.Contains(config, `"units": 2`) && !strings.Contains(config, `"units":2`) {
		t.Errorf("Config() = %s, %v", config, err)
	}
	model, err := g.Model([]*KerasTensor{x}, y, "tiny")
	if err != nil {
		t.Fatal(err)
	}
	g.Close() // the model keeps what it uses
	defer model.Close()
	kernel := []float32{1, 2, 3, 4, 5, 6} // (3, 2), row-major
	bias := []float32{0.5, -1}
	if err := model.SetWeight(0, kernel); err != nil {
		t.Fatal(err)
	}
	if err := model.SetWeight(1, bias); err != nil {
		t.Fatal(err)
	}
	got, err := model.Predict(Tensor{Shape: []int64{2, 3}, Data: []float32{1, 0, -1, 2, 1, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	// Row 1: (1*1 + 0*3 - 1*5 + 0.5, 1*2 + 0*4 - 1*6 - 1) = (-3.5, -5)
	// Row 2: (2*1 + 1*3 + 0.5*5 + 0.5, 2*2 + 1*4 + 0.5*6 - 1) = (8, 10)
	want := Tensor{Shape: []int64{2, 2}, Data: []float32{-3.5, -5, 8, 10}}
	if err := allClose(got[0], want, 1e-6, 0); err != nil {
		t.Error(err)
	}
	if model.Name() != "tiny" {
		t.Errorf("Name() = %q", model.Name())
	}
}

// Refused arguments give Keras's messages (Keras 3's keras/src/layers/layer.py Layer.__init__ and
// keras/src/layers/core/input_layer.py InputLayer.__init__ raise these texts).
func TestLayerAndInputErrorsAreKerasMessages(t *testing.T) {
	g, _ := NewGraph()
	defer g.Close()
	_, err := g.NewLayer("NoSuchLayer", "")
	if !isStatus(err, Unsupported) {
		t.Errorf("NewLayer(NoSuchLayer): %v", err)
	}
	_, err = g.NewLayer("Dense", `{"units": 2, "colour": "red"}`)
	if want := "Unrecognized keyword arguments passed to Dense: {'colour': 'red'}"; !isStatus(err, InvalidArgument) ||
		err.Error() != want {
		t.Errorf("NewLayer(Dense, colour): %v", err)
	}
	_, err = g.Input(`{"shape": [32], "batch_shape": [null, 32]}`)
	if want := "You cannot pass both `shape` and `batch_shape` at the same time."; err == nil || err.Error() != want {
		t.Errorf("Input(shape, batch_shape): %v, want %q", err, want)
	}
}

// tests/fixtures/model_cases.json: Keras 3 model recipes (Input, layers by class name and config, calls,
// Model / Sequential) and what Keras made of them, or the ValueError it raised, replayed through Graph.
type modelCase struct {
	ID     string
	Recipe []struct {
		Op        string
		ID        string
		Kwargs    json.RawMessage
		ClassName string `json:"class_name"`
		Config    json.RawMessage
		Layer     string
		Layers    []string
		Inputs    []string
		Outputs   []string
		Name      *string
	}
	Result struct {
		OK      bool
		Message string
		Name    string
		Layers  []struct {
			Name      string
			ClassName string `json:"class_name"`
		}
		Weights []struct {
			Path  string
			Shape []int64
		}
		Outputs []struct {
			Shape []*int64
			DType string
		}
		ToJSON  json.RawMessage `json:"to_json"`
		Summary string
	}
}

func replay(c modelCase) (*Graph, *Model, error) {
	g, err := NewGraph()
	if err != nil {
		return nil, nil, err
	}
	tensors := map[string]*KerasTensor{}
	layers := map[string]*Layer{}
	pick := func(ids []string) []*KerasTensor {
		out := make([]*KerasTensor, len(ids))
		for i, id := range ids {
			out[i] = tensors[id]
		}
		return out
	}
	var model *Model
	for _, step := range c.Recipe {
		name := ""
		if step.Name != nil {
			name = *step.Name
		}
		switch step.Op {
		case "input":
			tensors[step.ID], err = g.Input(string(step.Kwargs))
		case "layer":
			layers[step.ID], err = g.NewLayer(step.ClassName, string(step.Config))
		case "call":
			var outs []*KerasTensor
			if outs, err = layers[step.Layer].Call(pick(step.Inputs)...); err == nil {
				for i, id := range step.Outputs {
					tensors[id] = outs[i]
				}
			}
		case "sequential":
			stack := make([]*Layer, len(step.Layers))
			for i, id := range step.Layers {
				if t, ok := tensors[id]; ok {
					stack[i] = t.Layer() // an Input in a Sequential is its InputLayer, as in Keras
				} else {
					stack[i] = layers[id]
				}
			}
			model, err = g.Sequential(stack, name)
		case "model":
			model, err = g.Model(pick(step.Inputs), pick(step.Outputs), name)
		default:
			err = fmt.Errorf("unknown recipe op %q", step.Op)
		}
		if err != nil {
			return g, nil, err
		}
	}
	return g, model, nil
}

func sameJSON(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}

func TestModelCasesBuildWhatKerasBuilt(t *testing.T) {
	var file struct{ Cases []modelCase }
	readJSON(t, fixtures(t, "model_cases.json"), &file)
	if len(file.Cases) < 60 {
		t.Fatalf("model_cases.json: %d cases", len(file.Cases))
	}
	for _, c := range file.Cases {
		c := c
		t.Run(c.ID, func(t *testing.T) {
			g, model, err := replay(c)
			defer g.Close()
			want := c.Result
			if !want.OK {
				if !isStatus(err, InvalidArgument) || err.Error() != want.Message {
					t.Errorf("got %v, want Keras's ValueError %q", err, want.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer model.Close()
			if model.Name() != want.Name {
				t.Errorf("name %q, want %q", model.Name(), want.Name)
			}
			layers, _ := model.Layers()
			if len(layers) != len(want.Layers) {
				t.Fatalf("layers %v, want %v", layers, want.Layers)
			}
			for i, l := range layers {
				if l.Name != want.Layers[i].Name || l.ClassName != want.Layers[i].ClassName {
					t.Errorf("layer %d: %v, want %v", i, l, want.Layers[i])
				}
			}
			weights, _ := model.Weights()
			if len(weights) != len(want.Weights) {
				t.Fatalf("weights %v, want %v", weights, want.Weights)
			}
			for i, w := range weights {
				if w.Path != want.Weights[i].Path || fmt.Sprint(w.Shape) != fmt.Sprint(want.Weights[i].Shape) {
					t.Errorf("weight %d: %v, want %v", i, w, want.Weights[i])
				}
			}
			outs, _ := model.Outputs()
			for i, o := range outs {
				if fmt.Sprint(o.Shape) != fmt.Sprint(shapeOf(want.Outputs[i].Shape)) || o.DType != want.Outputs[i].DType {
					t.Errorf("output %d: %v, want %v %s", i, o, shapeOf(want.Outputs[i].Shape), want.Outputs[i].DType)
				}
			}
			// Keras's generator printed the summary through a print_fn that adds a newline.
			if summary, err := model.Summary(); err != nil || summary+"\n" != want.Summary {
				t.Errorf("summary:\n%s\nwant:\n%s", summary, want.Summary)
			}
			// to_json is byte for byte Keras's json.dumps text; the fixture holds it parsed, so compare values.
			if text, err := model.ToJSON(); err != nil || !sameJSON(text, string(want.ToJSON)) {
				t.Errorf("to_json differs from Keras's: %v\n%s", err, text)
			}
			// The JSON reads back into the same model (FromJSON).
			text, _ := model.ToJSON()
			again, err := FromJSON(text)
			if err != nil {
				t.Fatalf("FromJSON(to_json): %v", err)
			}
			defer again.Close()
			if back, _ := again.ToJSON(); back != text {
				t.Errorf("FromJSON(to_json).ToJSON() differs")
			}
		})
	}
}
