//go:build !inlay_pkgconfig

package inlay

// Default build: the header from this source tree and -linlay from the linker's search path. That covers
// the Debian package and `cmake --install` into /usr or /usr/local as they are; for a build tree or another
// prefix add its directory through the environment (README.md):
//
//	CGO_LDFLAGS="-L$INLAY_LIB_DIR -Wl,-rpath,$INLAY_LIB_DIR" go test
//
// Build with -tags inlay_pkgconfig to take both flags from `pkg-config inlay` instead (flags_pkgconfig.go).

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -linlay
import "C"
