// NumPy .npy files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) in and out of
// dense Arrays: what inlay_array_load_npy / inlay_array_save_npy run.
//
// Reading accepts format versions 1.0, 2.0 and 3.0; descr bool ('|b1', '?'), int8..int64, uint8..uint64,
// float16/32/64 and complex64/128, in any byte order ('<', '>', '|', '=' or none); big-endian data is
// byte-swapped to native, Fortran-order data transposed into C order; shape () is rank 0. The header dict
// is parsed by a small bounded recursive-descent reader of Python literals (no eval, no regex), and every
// size is checked against the file's own size before anything is allocated. Bool bytes other than 0/1 read
// as 1, as numpy's bool view treats them.
//
// Errors are core::Error naming the path and what was wrong:
//   IoError      the file cannot be opened, read or written
//   ParseError   bad magic or version, truncated preamble/header/data, a header dict longer than numpy's
//                max_header_size (10000 characters, which numpy.load also refuses by default), malformed header
//                dict, missing or extra keys, a bad shape, data size not matching the header
//   Unsupported  object arrays ('O'), structured / subarray dtypes, strings ('U', 'S'), datetimes, unknown
//                descrs, arrays of rank above kMaxRank; saving a dtype numpy has no name for (bfloat16,
//                float8, string)
// Writing produces exactly the bytes numpy.save writes for the same array (format 1.0, C order,
// little-endian, header padded to 64 bytes with numpy's spare space for growing the first axis).
#pragma once

#include <memory>
#include <string>

#include "types/array.hpp"

namespace inlay::core {

// Reads a .npy file (format versions 1.0, 2.0, 3.0) into an owned dense Array.
std::unique_ptr<Array> load_npy(const std::string& path);

// Writes a dense array as format 1.0, C order, little-endian.
void save_npy(const Array& array, const std::string& path);

}  // namespace inlay::core
