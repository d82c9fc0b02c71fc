//go:build inlay_pkgconfig

package inlay

// With -tags inlay_pkgconfig the header and library come from `pkg-config inlay` (the inlay.pc the Debian
// package and `cmake --install` write; set PKG_CONFIG_PATH for a prefix pkg-config does not search).

// #cgo pkg-config: inlay
import "C"
