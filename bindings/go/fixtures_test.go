package inlay

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// fixtures is the project's tests/fixtures (INLAY_FIXTURES overrides it): models saved by Keras, with the
// inputs and outputs Keras recorded for them. Tests fail, not skip, without it: it is part of the tree.
func fixtures(t *testing.T, parts ...string) string {
	t.Helper()
	dir := os.Getenv("INLAY_FIXTURES")
	if dir == "" {
		dir = filepath.Join("..", "..", "tests", "fixtures")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("fixtures: %v (set INLAY_FIXTURES to the project's tests/fixtures)", err)
	}
	return filepath.Join(append([]string{dir}, parts...)...)
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(text, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

var npyShape = regexp.MustCompile(`'shape':\s*\(([^)]*)\)`)

// readNpy reads a .npy file of little-endian float32 in C order, the only kind the fixtures hold (numpy's
// format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html). Anything else fails.
func readNpy(t *testing.T, path string) Tensor {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) < 10 || !bytes.HasPrefix(raw, []byte("\x93NUMPY")) {
		t.Fatalf("%s: not a .npy file", path)
	}
	var headerLen, start int
	if raw[6] == 1 { // version 1.0: a 2-byte header length; 2.0 and 3.0: 4 bytes
		headerLen, start = int(binary.LittleEndian.Uint16(raw[8:10])), 10
	} else {
		headerLen, start = int(binary.LittleEndian.Uint32(raw[8:12])), 12
	}
	header := string(raw[start : start+headerLen])
	if !strings.Contains(header, "'descr': '<f4'") || !strings.Contains(header, "'fortran_order': False") {
		t.Fatalf("%s: not little-endian float32 in C order: %s", path, header)
	}
	m := npyShape.FindStringSubmatch(header)
	if m == nil {
		t.Fatalf("%s: no shape in %s", path, header)
	}
	shape := []int64{}
	count := 1
	for _, field := range strings.Split(m[1], ",") {
		if field = strings.TrimSpace(field); field != "" {
			d, err := strconv.ParseInt(field, 10, 64)
			if err != nil {
				t.Fatalf("%s: shape %q: %v", path, m[1], err)
			}
			shape = append(shape, d)
			count *= int(d)
		}
	}
	body := raw[start+headerLen:]
	if len(body) != 4*count {
		t.Fatalf("%s: %d data bytes for shape %v", path, len(body), shape)
	}
	data := make([]float32, count)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return Tensor{Shape: shape, Data: data}
}

// allClose is numpy.testing.assert_allclose's test, |got - want| <= atol + rtol * |want| per element (the
// fixtures' tolerance), with the shapes equal; nil when it holds, else what differs first.
func allClose(got, want Tensor, atol, rtol float64) error {
	if fmt.Sprint(got.Shape) != fmt.Sprint(want.Shape) {
		return fmt.Errorf("shape %v, want %v", got.Shape, want.Shape)
	}
	if len(got.Data) != len(want.Data) {
		return fmt.Errorf("%d values, want %d", len(got.Data), len(want.Data))
	}
	for i := range want.Data {
		g, w := float64(got.Data[i]), float64(want.Data[i])
		if math.IsNaN(g) != math.IsNaN(w) || math.Abs(g-w) > atol+rtol*math.Abs(w) {
			return fmt.Errorf("element %d is %g, want %g (atol %g, rtol %g)", i, g, w, atol, rtol)
		}
	}
	return nil
}

// flatten turns JSON nested lists of numbers into float32s in C order.
func flatten(v any, out []float32) []float32 {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = flatten(e, out)
		}
	case float64:
		out = append(out, float32(x))
	}
	return out
}

// shapeOf reads a JSON shape, null for None, as -1.
func shapeOf(dims []*int64) []int64 {
	shape := make([]int64, len(dims))
	for i, d := range dims {
		shape[i] = -1
		if d != nil {
			shape[i] = *d
		}
	}
	return shape
}
