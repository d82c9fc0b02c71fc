package inlay

// #include <stdlib.h>
// #include "helpers.h"
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// Graph is the placeholder graph that Keras's functional API builds on (inlay_graph): it owns the
// Inputs, layers and symbolic tensors made in it. Build a model as in Keras:
//
//	g, _ := inlay.NewGraph()
//	defer g.Close()
//	x, _ := g.Input(`{"shape": [32]}`)                            // keras.Input(shape=(32,))
//	dense, _ := g.NewLayer("Dense", `{"units": 16, "activation": "softmax"}`)
//	y, _ := dense.Call(x)                                           // dense(x)
//	model, _ := g.Model([]*inlay.KerasTensor{x}, y, "")            // keras.Model(x, y)
//
// Keyword arguments and layer configs are JSON objects with Keras's names. Calls that add to a graph
// wait for every other call on the graph and on the models made from it (the C API counts them as one
// object). A model keeps what it needs of the graph, so the graph may be closed before its models; its
// KerasTensors and Layers are unusable after Close.
type Graph struct {
	mu  *sync.RWMutex
	ptr *C.inlay_graph
}

// KerasTensor is a symbolic tensor of a Graph (Keras's KerasTensor), valid while the graph is open.
type KerasTensor struct {
	g   *Graph
	ptr *C.inlay_tensor
}

// Layer is a layer of a Graph, valid while the graph is open.
type Layer struct {
	g   *Graph
	ptr *C.inlay_layer
}

// NewGraph makes an empty graph. Release it with Close (a finalizer is the safety net).
func NewGraph() (*Graph, error) {
	var out *C.inlay_graph
	var msg *C.char
	if err := callError(C.igo_graph_create(&out, &msg), msg); err != nil {
		return nil, err
	}
	g := &Graph{mu: new(sync.RWMutex), ptr: out}
	runtime.SetFinalizer(g, func(g *Graph) {
		finalized.Add(1)
		g.Close()
	})
	return g, nil
}

// Close releases the graph (its models keep what they use). Closing again does nothing; it returns nil.
func (g *Graph) Close() error {
	if g == nil || g.mu == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ptr != nil {
		C.inlay_graph_free(g.ptr)
		g.ptr = nil
		runtime.SetFinalizer(g, nil)
	}
	return nil
}

// write runs f with the graph's write lock held, or returns ErrClosed.
func (g *Graph) write(f func(p *C.inlay_graph) error) error {
	if g == nil || g.mu == nil {
		return ErrClosed
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ptr == nil {
		return ErrClosed
	}
	err := f(g.ptr)
	runtime.KeepAlive(g)
	return err
}

// read runs f with the graph's read lock held; false when the graph is closed.
func (g *Graph) read(f func()) bool {
	if g == nil || g.mu == nil {
		return false
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.ptr == nil {
		return false
	}
	f()
	runtime.KeepAlive(g)
	return true
}

// Input is keras.Input(**kwargs): kwargsJSON holds Keras's keyword arguments as a JSON object ("shape",
// "batch_size", "batch_shape", "dtype", "sparse", "ragged", "name", "optional"; "" for none), checked
// with Keras's messages.
func (g *Graph) Input(kwargsJSON string) (*KerasTensor, error) {
	ckwargs := C.CString(kwargsJSON)
	defer C.free(unsafe.Pointer(ckwargs))
	var out *C.inlay_tensor
	err := g.write(func(p *C.inlay_graph) error {
		var msg *C.char
		return callError(C.igo_input(p, ckwargs, &out, &msg), msg)
	})
	if err != nil {
		return nil, err
	}
	return &KerasTensor{g: g, ptr: out}, nil
}

// NewLayer is Layer.from_config: a layer by Keras class name ("Dense", "Conv2D", ...) and config, a JSON
// object of the class's arguments ("" for none).
func (g *Graph) NewLayer(className, configJSON string) (*Layer, error) {
	cclass, cconfig := C.CString(className), C.CString(configJSON)
	defer C.free(unsafe.Pointer(cclass))
	defer C.free(unsafe.Pointer(cconfig))
	var out *C.inlay_layer
	err := g.write(func(p *C.inlay_graph) error {
		var msg *C.char
		return callError(C.igo_layer_create(p, cclass, cconfig, &out, &msg), msg)
	})
	if err != nil {
		return nil, err
	}
	return &Layer{g: g, ptr: out}, nil
}

// maxLayerOutputs is the room given for a layer call's outputs; the library refuses a call whose layer has
// more, with a message saying so.
const maxLayerOutputs = 256

// Call is layer(inputs): it builds the layer on its first call, checks the inputs as Keras's InputSpec
// does, and returns the output tensors. Every input must belong to the layer's graph.
func (l *Layer) Call(inputs ...*KerasTensor) ([]*KerasTensor, error) {
	if l == nil {
		return nil, ErrClosed
	}
	ins, err := tensorPointers(l.g, inputs, "Call")
	if err != nil {
		return nil, err
	}
	outs := make([]*C.inlay_tensor, maxLayerOutputs)
	var n C.size_t
	err = l.g.write(func(*C.inlay_graph) error {
		var msg *C.char
		return callError(C.igo_layer_call(l.ptr, tensorArray(ins), C.size_t(len(ins)), &outs[0],
			C.size_t(len(outs)), &n, &msg), msg)
	})
	if err != nil {
		return nil, err
	}
	result := make([]*KerasTensor, int(n))
	for i := range result {
		result[i] = &KerasTensor{g: l.g, ptr: outs[i]}
	}
	return result, nil
}

// Model is keras.Model(inputs, outputs, name): the functional model between Input tensors and outputs of
// the graph; name "" auto-names it ("functional", "functional_1", ...).
func (g *Graph) Model(inputs, outputs []*KerasTensor, name string) (*Model, error) {
	ins, err := tensorPointers(g, inputs, "Model")
	if err != nil {
		return nil, err
	}
	outs, err := tensorPointers(g, outputs, "Model")
	if err != nil {
		return nil, err
	}
	cname := optionalCString(name)
	defer C.free(unsafe.Pointer(cname))
	var out *C.inlay_model
	err = g.write(func(p *C.inlay_graph) error {
		var msg *C.char
		return callError(C.igo_model_create(p, tensorArray(ins), C.size_t(len(ins)), tensorArray(outs),
			C.size_t(len(outs)), cname, &out, &msg), msg)
	})
	if err != nil {
		return nil, err
	}
	return newModel(out, g.mu), nil
}

// Sequential is keras.Sequential(layers, name): the layers stacked in order. The first is an InputLayer
// (KerasTensor.Layer of an Input) or a layer made with "input_shape" / "input_dim"; name "" auto-names it.
func (g *Graph) Sequential(layers []*Layer, name string) (*Model, error) {
	ptrs := make([]*C.inlay_layer, len(layers)+1) // +1: never a zero-length slice to take the address of
	for i, l := range layers {
		if l == nil || l.g != g {
			return nil, argError("Sequential: layer %d is nil or of another graph", i)
		}
		ptrs[i] = l.ptr
	}
	cname := optionalCString(name)
	defer C.free(unsafe.Pointer(cname))
	var out *C.inlay_model
	err := g.write(func(p *C.inlay_graph) error {
		var msg *C.char
		return callError(C.igo_sequential_create(p, &ptrs[0], C.size_t(len(layers)), cname, &out, &msg), msg)
	})
	if err != nil {
		return nil, err
	}
	return newModel(out, g.mu), nil
}

// tensorPointers checks that every tensor is of graph g (a tensor of another graph would be another C
// object, which the Go lock of g does not guard) and returns their C pointers, plus one spare NULL slot so
// that the slice always has an element to take the address of.
func tensorPointers(g *Graph, tensors []*KerasTensor, what string) ([]*C.inlay_tensor, error) {
	ptrs := make([]*C.inlay_tensor, len(tensors), len(tensors)+1)
	for i, t := range tensors {
		if t == nil || t.g != g {
			return nil, argError("%s: tensor %d is nil or of another graph", what, i)
		}
		ptrs[i] = t.ptr
	}
	return ptrs, nil
}

func tensorArray(ptrs []*C.inlay_tensor) **C.inlay_tensor {
	return &ptrs[:cap(ptrs)][0]
}

// optionalCString is NULL for "" (the C API's "no name": auto-naming), else a C copy.
func optionalCString(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

// Shape is the tensor's shape, -1 for None; nil for an unknown rank or a closed graph.
func (t *KerasTensor) Shape() []int64 {
	var shape []int64
	if t != nil && t.g.read(func() { shape = goDims(C.inlay_tensor_dims(t.ptr), C.inlay_tensor_rank(t.ptr)) }) {
		if shape == nil && C.inlay_tensor_rank(t.ptr) == 0 {
			shape = []int64{}
		}
	}
	return shape
}

// DType is the tensor's dtype name ("float32"); "" for a closed graph.
func (t *KerasTensor) DType() string {
	var dtype string
	if t != nil {
		t.g.read(func() { dtype = C.GoString(C.inlay_dtype_name(C.inlay_tensor_dtype(t.ptr))) })
	}
	return dtype
}

// Name is KerasTensor.name ("keras_tensor", ...); "" for a closed graph.
func (t *KerasTensor) Name() string {
	var name string
	if t != nil {
		t.g.read(func() { name = goString(C.inlay_tensor_name(t.ptr)) })
	}
	return name
}

// Layer is the layer that produced the tensor (the InputLayer of an Input); nil for a closed graph.
func (t *KerasTensor) Layer() *Layer {
	var l *Layer
	if t != nil {
		t.g.read(func() { l = &Layer{g: t.g, ptr: C.inlay_tensor_layer(t.ptr)} })
	}
	return l
}

// Name is layer.name; "" for a closed graph.
func (l *Layer) Name() string {
	var name string
	if l != nil {
		l.g.read(func() { name = goString(C.inlay_layer_name(l.ptr)) })
	}
	return name
}

// ClassName is the layer's Keras class name ("Dense", ...); "" for a closed graph.
func (l *Layer) ClassName() string {
	var name string
	if l != nil {
		l.g.read(func() { name = goString(C.inlay_layer_class_name(l.ptr)) })
	}
	return name
}

// Config is layer.get_config() as JSON, in Keras 3's form.
func (l *Layer) Config() (string, error) {
	if l == nil {
		return "", ErrClosed
	}
	var text string
	var err error
	if !l.g.read(func() {
		var out, msg *C.char
		if err = callError(C.igo_layer_get_config(l.ptr, &out, &msg), msg); err == nil {
			text = takeString(out)
		}
	}) {
		return "", ErrClosed
	}
	return text, err
}
