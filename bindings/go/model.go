package inlay

// #include <stdlib.h>
// #include "helpers.h"
import "C"

import (
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Tensor is concrete float32 data in row-major (C) order: what Predict takes and returns.
// len(Data) must be the product of Shape (1 for an empty Shape: a scalar).
type Tensor struct {
	Shape []int64
	Data  []float32
}

// TensorInfo describes a model input or output: the name of the layer that makes it (an input's is the
// InputLayer's name, Keras's model.input_names), its shape with -1 for None (Keras's batch dimension is
// usually None), nil for an unknown rank, and its dtype name ("float32").
type TensorInfo struct {
	Name  string
	Shape []int64
	DType string
}

// WeightInfo is one entry of Keras's model.weights: its path ("dense/kernel") and shape.
type WeightInfo struct {
	Path  string
	Shape []int64
}

// LayerInfo is one entry of Keras's model.layers.
type LayerInfo struct {
	Name      string
	ClassName string
}

// Precision is the arithmetic Dense and Conv layers run in (inlay_precision).
type Precision int

// The precisions of SetPrecision.
const (
	PrecisionFloat32       Precision = C.INLAY_PRECISION_FLOAT32        // the default, Keras's results to ~1e-5
	PrecisionBFloat16      Precision = C.INLAY_PRECISION_BFLOAT16       // opt-in; needs AVX512-BF16 or AMX
	PrecisionFloat32Strict Precision = C.INLAY_PRECISION_FLOAT32_STRICT // no Winograd: ~1e-6
)

// Model is a Keras model (inlay_model). Predict and the accessors may run concurrently from any number of
// goroutines; SetNumThreads, SetPrecision, SetWeight, LoadWeights and Close wait for running calls and
// hold others off, as the C API requires of its mutating calls. Release a model with Close; a finalizer
// releases a model that becomes unreachable unclosed, but only at the garbage collector's pace, while the
// memory it holds is C memory the collector does not see.
type Model struct {
	// mu is the lock of the C object: a model made from a Graph shares the graph's lock, because the C API
	// counts a graph and its models as one object (they share layers and weights).
	mu  *sync.RWMutex
	ptr *C.inlay_model
}

func newModel(ptr *C.inlay_model, mu *sync.RWMutex) *Model {
	m := &Model{mu: mu, ptr: ptr}
	runtime.SetFinalizer(m, finalizeModel)
	return m
}

// finalized counts the handles released by their finalizer (a test checks that finalizers run).
var finalized atomic.Int64

func finalizeModel(m *Model) {
	finalized.Add(1)
	m.Close()
}

// LoadOptions are inlay_model_load_with_options's options. The zero value is the defaults.
type LoadOptions struct {
	// MaxWeightBytes caps the bytes the model's weights (as float32) may take; nil keeps the default
	// (at most 4 times the file's weight data). A model over the cap fails with OutOfMemory.
	MaxWeightBytes *uint64 `json:"max_weight_bytes,omitempty"`
}

// Load reads a model and its weights from a file, recognized by its content: a Keras 3 .keras file, a
// tf.keras 2 .h5 file, or a TensorFlow.js layers model (its model.json or the directory holding it).
// As keras.models.load_model(path).
func Load(path string) (*Model, error) { return LoadWithOptions(path, LoadOptions{}) }

// LoadWithOptions is Load with options for this load.
func LoadWithOptions(path string, opts LoadOptions) (*Model, error) {
	options, err := json.Marshal(opts)
	if err != nil {
		return nil, err
	}
	cpath, coptions := C.CString(path), C.CString(string(options))
	defer C.free(unsafe.Pointer(cpath))
	defer C.free(unsafe.Pointer(coptions))
	var out *C.inlay_model
	var msg *C.char
	if err := callError(C.igo_model_load(cpath, coptions, &out, &msg), msg); err != nil {
		return nil, err
	}
	return newModel(out, new(sync.RWMutex)), nil
}

// FromJSON builds a model from Keras's model.to_json() (Keras 3 or tf.keras 2), a .keras file's config or
// a TensorFlow.js model.json, with zero weights (set them with SetWeight or LoadWeights).
func FromJSON(text string) (*Model, error) {
	ctext := C.CString(text)
	defer C.free(unsafe.Pointer(ctext))
	var out *C.inlay_model
	var msg *C.char
	if err := callError(C.igo_model_from_json(ctext, &out, &msg), msg); err != nil {
		return nil, err
	}
	return newModel(out, new(sync.RWMutex)), nil
}

// Close releases the model. It waits for running calls on it; later calls return ErrClosed. Closing again
// does nothing. It always returns nil (it has the io.Closer signature).
func (m *Model) Close() error {
	if m == nil || m.mu == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ptr != nil {
		C.inlay_model_free(m.ptr)
		m.ptr = nil
		runtime.SetFinalizer(m, nil)
	}
	return nil
}

// read runs f with the model's read lock held, or returns ErrClosed.
func (m *Model) read(f func(p *C.inlay_model) error) error {
	if m == nil || m.mu == nil { // nil, or a zero Model{} not made by this package
		return ErrClosed
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.ptr == nil {
		return ErrClosed
	}
	err := f(m.ptr)
	runtime.KeepAlive(m) // the finalizer must not free the model while f uses its pointer
	return err
}

// write runs f with the model's write lock held (no other call on the model or its graph meanwhile).
func (m *Model) write(f func(p *C.inlay_model) error) error {
	if m == nil || m.mu == nil { // nil, or a zero Model{} not made by this package
		return ErrClosed
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ptr == nil {
		return ErrClosed
	}
	err := f(m.ptr)
	runtime.KeepAlive(m)
	return err
}

// Name is Keras's model.name; "" after Close.
func (m *Model) Name() string {
	var name string
	m.read(func(p *C.inlay_model) error { name = goString(C.inlay_model_name(p)); return nil })
	return name
}

func tensorInfo(t *C.inlay_tensor) TensorInfo {
	return TensorInfo{
		Name:  goString(C.inlay_layer_name(C.inlay_tensor_layer(t))),
		Shape: goDims(C.inlay_tensor_dims(t), C.inlay_tensor_rank(t)),
		DType: C.GoString(C.inlay_dtype_name(C.inlay_tensor_dtype(t))),
	}
}

// Inputs describes the model's inputs, in the order Predict takes them.
func (m *Model) Inputs() ([]TensorInfo, error) {
	var infos []TensorInfo
	err := m.read(func(p *C.inlay_model) error {
		n := C.inlay_model_input_count(p)
		for i := C.size_t(0); i < n; i++ {
			infos = append(infos, tensorInfo(C.inlay_model_input(p, i)))
		}
		return nil
	})
	return infos, err
}

// Outputs describes the model's outputs, in the order Predict returns them.
func (m *Model) Outputs() ([]TensorInfo, error) {
	var infos []TensorInfo
	err := m.read(func(p *C.inlay_model) error {
		n := C.inlay_model_output_count(p)
		for i := C.size_t(0); i < n; i++ {
			infos = append(infos, tensorInfo(C.inlay_model_output(p, i)))
		}
		return nil
	})
	return infos, err
}

// Layers lists Keras's model.layers (InputLayers first, then by depth).
func (m *Model) Layers() ([]LayerInfo, error) {
	var infos []LayerInfo
	err := m.read(func(p *C.inlay_model) error {
		n := C.inlay_model_layer_count(p)
		for i := C.size_t(0); i < n; i++ {
			l := C.inlay_model_layer(p, i)
			infos = append(infos, LayerInfo{goString(C.inlay_layer_name(l)), goString(C.inlay_layer_class_name(l))})
		}
		return nil
	})
	return infos, err
}

// Summary is Keras 3's model.summary() text: the "Model:" line, the layer table and the parameter counts.
func (m *Model) Summary() (string, error) {
	var text string
	err := m.read(func(p *C.inlay_model) error {
		var out, msg *C.char
		if err := callError(C.igo_model_summary(p, &out, &msg), msg); err != nil {
			return err
		}
		text = takeString(out)
		return nil
	})
	return text, err
}

// ToJSON is Keras 3's model.to_json(), byte for byte.
func (m *Model) ToJSON() (string, error) {
	var text string
	err := m.read(func(p *C.inlay_model) error {
		var out, msg *C.char
		if err := callError(C.igo_model_to_json(p, &out, &msg), msg); err != nil {
			return err
		}
		text = takeString(out)
		return nil
	})
	return text, err
}

// SetNumThreads sets the threads each Predict on the model uses: 1 .. 4096, or 0 for the default
// (INLAY_NUM_THREADS, else OpenMP's default). In a server that runs several Predicts at once, give each
// model few threads so that together they do not oversubscribe the cores.
func (m *Model) SetNumThreads(n int) error {
	if n < 0 || n > 1<<20 {
		return argError("SetNumThreads(%d): out of range", n) // would not fit a C int unchanged
	}
	return m.write(func(p *C.inlay_model) error {
		var msg *C.char
		return callError(C.igo_model_set_num_threads(p, C.int(n), &msg), msg)
	})
}

// NumThreads is the effective thread count of the model's Predict calls; 0 after Close.
func (m *Model) NumThreads() int {
	var n int
	m.read(func(p *C.inlay_model) error { n = int(C.inlay_model_num_threads(p)); return nil })
	return n
}

// SetPrecision sets the arithmetic of the model's Dense and Conv layers.
func (m *Model) SetPrecision(prec Precision) error {
	return m.write(func(p *C.inlay_model) error {
		var msg *C.char
		return callError(C.igo_model_set_precision(p, C.int(prec), &msg), msg)
	})
}

// Weights lists Keras's model.weights: per layer, trainable weights then non-trainable ones.
func (m *Model) Weights() ([]WeightInfo, error) {
	var infos []WeightInfo
	err := m.read(func(p *C.inlay_model) error {
		n := C.inlay_model_weight_count(p)
		for i := C.size_t(0); i < n; i++ {
			var name, msg *C.char
			var rank C.int
			var dims *C.int64_t
			if err := callError(C.igo_model_weight_info(p, i, &name, &rank, &dims, &msg), msg); err != nil {
				return err
			}
			infos = append(infos, WeightInfo{Path: goString(name), Shape: goDims(dims, rank)})
		}
		return nil
	})
	return infos, err
}

// weightSize is the element count of weight i (NotFound from the library for an index out of range).
func weightSize(p *C.inlay_model, i int) (int, error) {
	var rank C.int
	var dims *C.int64_t
	var msg *C.char
	if err := callError(C.igo_model_weight_info(p, C.size_t(i), nil, &rank, &dims, &msg), msg); err != nil {
		return 0, err
	}
	n := 1
	for _, d := range goDims(dims, rank) {
		n *= int(d)
	}
	return n, nil
}

// Weight copies the values of weight i (in Weights order), row-major.
func (m *Model) Weight(i int) ([]float32, error) {
	if i < 0 {
		return nil, argError("Weight(%d): negative index", i)
	}
	var values []float32
	err := m.read(func(p *C.inlay_model) error {
		n, err := weightSize(p, i)
		if err != nil {
			return err
		}
		values = make([]float32, n)
		var msg *C.char
		return callError(C.igo_model_get_weight(p, C.size_t(i), floatPtr(values), C.size_t(n), &msg), msg)
	})
	return values, err
}

// SetWeight sets the values of weight i (row-major); len(values) must be its element count.
func (m *Model) SetWeight(i int, values []float32) error {
	if i < 0 {
		return argError("SetWeight(%d): negative index", i)
	}
	// The library wants a non-NULL pointer even for 0 elements.
	data := values
	if len(data) == 0 {
		data = make([]float32, 1)
	}
	return m.write(func(p *C.inlay_model) error {
		var msg *C.char
		return callError(C.igo_model_set_weight(p, C.size_t(i), floatPtr(data), C.size_t(len(values)), &msg), msg)
	})
}

// LoadWeights sets every weight from a weights file Keras wrote (model.save_weights, or an .h5 model's),
// as Keras's model.load_weights(path); all or nothing.
func (m *Model) LoadWeights(path string) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return m.write(func(p *C.inlay_model) error {
		var msg *C.char
		return callError(C.igo_model_load_weights(p, cpath, &msg), msg)
	})
}

func floatPtr(values []float32) *C.float {
	if len(values) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&values[0]))
}

// Predict runs model.predict on one batch: one Tensor per model input, in Inputs order; it returns one
// Tensor per output, in Outputs order. Shapes are checked as Keras checks them, with Keras's messages
// (a ShapeMismatch *Error). Safe to call from many goroutines at once on one model.
func (m *Model) Predict(inputs ...Tensor) ([]Tensor, error) {
	data, offsets, dims, ranks, err := packInputs(inputs)
	if err != nil {
		return nil, err
	}
	var outputs []Tensor
	err = m.read(func(p *C.inlay_model) error {
		nOut := int(C.inlay_model_output_count(p))
		arrays := make([]*C.inlay_array, nOut+1) // +1: never a zero-length slice to take the address of
		var msg *C.char
		s := C.igo_model_predict(p, floatPtr(data), sizePtr(offsets), int64Ptr(dims), intPtr(ranks),
			C.size_t(len(inputs)), &arrays[0], C.size_t(nOut), &msg)
		if err := callError(s, msg); err != nil {
			return err
		}
		outputs = takeOutputs(arrays[:nOut])
		return nil
	})
	return outputs, err
}

// packInputs checks each input's data length against its shape (the library reads exactly the shape's
// elements, so a short slice would be read past) and lays the inputs out for igo_model_predict. One input's
// data is passed as it is (zero-copy); several are copied into one buffer, because cgo lets Go pass C a
// pointer to Go memory but not a Go array of such pointers.
func packInputs(inputs []Tensor) (data []float32, offsets []C.size_t, dims []int64, ranks []C.int, err error) {
	total := 0
	for k, in := range inputs {
		n, ok := elementCount(in.Shape)
		if !ok {
			return nil, nil, nil, nil, argError("input %d: invalid shape %v", k, in.Shape)
		}
		if n != len(in.Data) {
			return nil, nil, nil, nil, argError("input %d: shape %v holds %d values, but Data has %d",
				k, in.Shape, n, len(in.Data))
		}
		offsets = append(offsets, C.size_t(total))
		total += n
		dims = append(dims, in.Shape...)
		ranks = append(ranks, C.int(len(in.Shape)))
	}
	switch {
	case len(inputs) == 1:
		data = inputs[0].Data
	case total > 0:
		data = make([]float32, 0, total)
		for _, in := range inputs {
			data = append(data, in.Data...)
		}
	}
	return data, offsets, dims, ranks, nil
}

// elementCount is the product of dims; false for a negative dim, a rank above the library's limit or an
// overflow.
func elementCount(shape []int64) (int, bool) {
	if len(shape) > C.INLAY_MAX_RANK {
		return 0, false
	}
	n := int64(1)
	for _, d := range shape {
		if d < 0 || (d > 0 && n > (1<<62)/d) {
			return 0, false
		}
		n *= d
	}
	return int(n), true
}

// takeOutputs copies the library's output arrays into Go Tensors and releases them.
func takeOutputs(arrays []*C.inlay_array) []Tensor {
	outputs := make([]Tensor, len(arrays))
	for k, a := range arrays {
		shape := goDims(C.inlay_array_dims(a), C.inlay_array_rank(a))
		if shape == nil {
			shape = []int64{}
		}
		n := int(C.inlay_array_element_count(a))
		values := make([]float32, n)
		if n > 0 {
			copy(values, unsafe.Slice((*float32)(C.inlay_array_data(a)), n))
		}
		C.inlay_array_free(a)
		outputs[k] = Tensor{Shape: shape, Data: values}
	}
	return outputs
}

func sizePtr(v []C.size_t) *C.size_t {
	if len(v) == 0 {
		return nil
	}
	return &v[0]
}

func int64Ptr(v []int64) *C.int64_t {
	if len(v) == 0 {
		return nil
	}
	return (*C.int64_t)(unsafe.Pointer(&v[0]))
}

func intPtr(v []C.int) *C.int {
	if len(v) == 0 {
		return nil
	}
	return &v[0]
}
