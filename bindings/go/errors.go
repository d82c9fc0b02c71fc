package inlay

// #include <stdlib.h>
// #include "helpers.h"
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// Why every fallible call goes through a C helper (helpers.c):
//
// inlay_last_error() is thread-local: it holds the message of the last call that failed on the calling OS
// thread. The Go scheduler may move a goroutine to another OS thread between two cgo calls, and another
// goroutine may run on the first thread meanwhile; so calling an inlay function in one cgo call and
// inlay_last_error() in a second could read another goroutine's message, or an old one. Each helper calls
// the function and copies the message in the same C call, on the same thread, and the Go side turns the
// copy into an *Error. runtime.LockOSThread around the two calls would also be correct, but it costs a lock
// and an unlock per call, and one forgotten lock is a bug that only shows under load; a helper per function
// is checked once, here. TestConcurrentErrorsKeepTheirOwnMessage runs many failing goroutines at once.

// Status is the library's inlay_status: what a failed call returned. Statuses are errors too, so
// errors.Is(err, inlay.ShapeMismatch) asks what kind of failure err is.
type Status int

// The inlay_status values (include/inlay/inlay.h).
const (
	OK              Status = C.INLAY_OK
	InvalidArgument Status = C.INLAY_INVALID_ARGUMENT // a bad argument; Keras's ValueError / TypeError
	ShapeMismatch   Status = C.INLAY_SHAPE_MISMATCH   // shapes disagree: a weight's, a predict input's
	NotFound        Status = C.INLAY_NOT_FOUND        // an index that names nothing
	Unsupported     Status = C.INLAY_UNSUPPORTED      // valid in Keras, not something inlay does
	ParseError      Status = C.INLAY_PARSE_ERROR      // malformed JSON, zip, HDF5, .npy
	IOError         Status = C.INLAY_IO_ERROR         // a file that cannot be opened, read or written
	OutOfMemory     Status = C.INLAY_OUT_OF_MEMORY    // an allocation failed
	InternalError   Status = C.INLAY_INTERNAL_ERROR   // a bug in inlay, or oneDNN failed
)

// String is the C name of the status: "INLAY_SHAPE_MISMATCH", ...
func (s Status) String() string { return C.GoString(C.inlay_status_name(C.inlay_status(s))) }

// Error makes a Status usable as the target of errors.Is.
func (s Status) Error() string { return s.String() }

// Error is what a failed library call returns: the inlay_status and the library's message, which is
// Keras's own text where Keras raises an error (Error() returns it unchanged, with no prefix, so it can be
// compared with what Keras prints).
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is reports whether target is e's Status: errors.Is(err, inlay.IOError).
func (e *Error) Is(target error) bool {
	s, ok := target.(Status)
	return ok && s == e.Status
}

// ErrClosed is returned by methods called on a handle after Close, or on a nil one. The library is not
// called then: the handle's pointer is gone.
var ErrClosed = errors.New("inlay: use of a closed or nil handle")

// callError turns a helper's status and copied message into an error (nil for OK) and frees the copy.
func callError(s C.inlay_status, msg *C.char) error {
	if s == C.INLAY_OK {
		return nil
	}
	e := &Error{Status: Status(s)}
	if msg != nil {
		e.Message = C.GoString(msg)
		C.free(unsafe.Pointer(msg))
	} else {
		e.Message = e.Status.String() // the helper could not allocate the copy
	}
	return e
}

// argError is an error found on the Go side before the library is called (e.g. a buffer shorter than its
// shape, which the library would read past). Its status is the one the library uses for bad arguments.
func argError(format string, args ...any) error {
	return &Error{Status: InvalidArgument, Message: "inlay: " + fmt.Sprintf(format, args...)}
}

// takeString copies a string the library made for the caller and releases it with inlay_free.
func takeString(s *C.char) string {
	defer C.inlay_free(unsafe.Pointer(s))
	return C.GoString(s)
}

// goString copies a borrowed string; "" for NULL.
func goString(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// goDims copies rank dims (-1 for None); nil for a rank of 0 or less (-1: unknown rank).
func goDims(dims *C.int64_t, rank C.int) []int64 {
	if rank <= 0 || dims == nil {
		return nil
	}
	out := make([]int64, int(rank))
	copy(out, unsafe.Slice((*int64)(unsafe.Pointer(dims)), int(rank)))
	return out
}

// Version is the loaded library's version, "MAJOR.MINOR.PATCH" (inlay_version).
func Version() string { return C.GoString(C.inlay_version()) }

// RuntimeInfo is the library's description of the oneDNN runtime, a JSON object (inlay_runtime_info).
func RuntimeInfo() (string, error) {
	var out, msg *C.char
	if err := callError(C.igo_runtime_info(&out, &msg), msg); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// lastErrorOnThisThread reads inlay_last_error() in a cgo call of its own, which is exactly what the
// helpers avoid; TestLastErrorIsPerOSThread uses it to show why.
func lastErrorOnThisThread() string {
	msg := C.igo_last_error_copy()
	if msg == nil {
		return ""
	}
	defer C.free(unsafe.Pointer(msg))
	return C.GoString(msg)
}
