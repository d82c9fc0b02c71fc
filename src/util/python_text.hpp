// Renders JSON values the way Python's str(), repr() and type() print the values Keras received, so that
// error messages carry Keras's exact text. JSON arrays stand for tuples where Keras expects a shape tuple
// (the caller says which), otherwise for lists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/json.hpp"

namespace inlay::core::python {

enum class Sequence { List, Tuple };

// repr(value): strings quoted ('abc'), None/True/False, floats as Python prints them.
std::string repr(const Json& value, Sequence arrays = Sequence::List);

// str(value): like repr, but a top-level string is printed bare.
std::string str(const Json& value, Sequence arrays = Sequence::List);

// repr(value) / str(value) cut to at most max_bytes (then "..."), at a cost bounded by max_bytes whatever the
// value's size: for messages that quote a value from a file (kMaxQuotedBytes in util/error.hpp).
std::string repr_prefix(const Json& value, std::size_t max_bytes, Sequence arrays = Sequence::List);
std::string str_prefix(const Json& value, std::size_t max_bytes, Sequence arrays = Sequence::List);

// str(type(value)): "<class 'int'>", "<class 'str'>", "<class 'tuple'>", ...
std::string type_name(const Json& value, Sequence arrays = Sequence::List);

// The X of str(type(value)) "<class 'X'>": "int", "str", "list", ... (TypeError texts name the bare type).
std::string bare_type_name(const Json& value, Sequence arrays = Sequence::List);

// isinstance(value, int): JSON integers and booleans (Python's bool is an int).
bool is_int(const Json& value);
// int(value) for a value that is_int (True -> 1).
int64_t int_value(const Json& value);

// tuple(value) for the JSON forms: a list as is, a string's characters, a dict's keys; Keras's TypeError
// "'int' object is not iterable" (Status::InvalidArgument) for the rest.
Json tuple_items(const Json& value);

// str() of a tuple of ints: "()", "(3,)", "(1, 2)".
std::string tuple_text(const std::vector<int64_t>& items);

// bool(value), Python truthiness.
bool truthy(const Json& value);

// `value == other` between a JSON value and an int dimension (-1 meaning None), with Python's rules
// (8.0 == 8, True == 1, None == None).
bool equals_dim(const Json& value, long long dim);

// `value == flag` with Python's rules (1 == True, 0.0 == False, "x" != True).
bool equals_bool(const Json& value, bool flag);

// json.dumps(value) with Python's defaults: ", " and ": " separators, non-ASCII escaped as \uXXXX, floats as
// float.__repr__ (NaN, Infinity, -Infinity for the non-finite ones), keys in the dict's order. What Keras's
// model.to_json() returns.
std::string json_dumps(const Json& value);

// Python repr of a string: single quotes unless the text holds a single quote and no double quote.
std::string quote(const std::string& text);
// quote(text) cut to at most max_bytes (then "...").
std::string quote_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace inlay::core::python
