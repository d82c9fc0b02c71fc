/*
 * NULL for every pointer argument of every function of the C ABI (include/inlay/inlay.h), one at a time,
 * the other arguments valid: a graph, tensors, layers, a spec and arrays built here, a model built here and
 * a model loaded from a fixture file.
 *
 * Each row names the function and the argument it passes NULL for, and expects what the header promises:
 *   NULL_ARG      a status function where the argument is required: INLAY_INVALID_ARGUMENT, a message that
 *                 starts with "FUNCTION: " and names the argument and NULL (inlay.h's conventions:
 *                 "FUNCTION: argument 'NAME' is NULL"); the out-parameters checked right after the row are
 *                 untouched.
 *   NULL_OK       NULL is documented as allowed there (no kwargs, no name, an optional out-parameter, a
 *                 buffer of no elements): the call succeeds.
 *   NULL_EMPTY    a list argument NULL with its count 0, which inlay.h allows: whatever status the call
 *                 gives, it is not a NULL-argument error (the count, not the pointer, is what is wrong).
 *   NULL_VALUE    an accessor on NULL: its documented neutral value, and the last error left as it was.
 *   NULL_NOOP     a *_free (or inlay_free) on NULL: nothing happens.
 *   NO_POINTERS   a function without pointer arguments, listed so that every function of the header has a
 *                 row (check_null_coverage.cmake fails the build's tests when one has none).
 * Each row also checks that its call really is a call of the function it names.
 *
 * Prints one line per failed check and, last, the number of rows. Exit status 0 only when every check
 * passed. Everything created is freed (meant to run clean under valgrind --leak-check=full).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inlay/inlay.h"

#ifndef INLAY_FIXTURES_DIR
#error "INLAY_FIXTURES_DIR must name tests/fixtures"
#endif

/* ---------------------------------------------------------------------------------------------------------
 * Checks and rows
 * ------------------------------------------------------------------------------------------------------- */

static int g_passed = 0;
static int g_failed = 0;
static int g_rows[6] = {0, 0, 0, 0, 0, 0};
enum { ROW_NULL_ARG, ROW_NULL_OK, ROW_NULL_EMPTY, ROW_NULL_VALUE, ROW_NULL_NOOP, ROW_NO_POINTERS };

static int check_impl(int ok, const char *what, int line) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAILED line %d: %s\n", line, what);
  }
  return ok;
}

#define CHECK(cond) check_impl((cond) != 0, #cond, __LINE__)
/* An out-parameter (or other state) the failed call before it must have left as it was. */
#define UNTOUCHED(cond) check_impl((cond) != 0, "left untouched: " #cond, __LINE__)

/* 1 when word occurs in text as a whole word (not inside a longer identifier). */
static int mentions_word(const char *text, const char *word) {
  size_t n = strlen(word);
  const char *p = text;
  if (text == NULL || n == 0) return 0;
  while ((p = strstr(p, word)) != NULL) {
    char before = p == text ? ' ' : p[-1];
    char after = p[n];
    int before_ok = !(before == '_' || (before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z') ||
                      (before >= '0' && before <= '9'));
    int after_ok = !(after == '_' || (after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
                     (after >= '0' && after <= '9'));
    if (before_ok && after_ok) return 1;
    ++p;
  }
  return 0;
}

/* The row's call text (the macro's #call) must be a call of the function the row names. */
static void check_row_call(const char *function, const char *call_text, int line) {
  size_t n = strlen(function);
  int ok = strncmp(call_text, function, n) == 0 && (call_text[n] == '(' || call_text[n] == ' ');
  if (!check_impl(ok, "the row's call is a call of its function", line)) {
    printf("    row names %s, its call is: %s\n", function, call_text);
  }
}

static void row_null_arg(const char *function, const char *argument, const char *call_text, inlay_status st,
                         int line) {
  const char *message = inlay_last_error();
  size_t n = strlen(function);
  ++g_rows[ROW_NULL_ARG];
  check_row_call(function, call_text, line);
  if (st != INLAY_INVALID_ARGUMENT) {
    ++g_failed;
    printf("FAILED line %d: %s with %s NULL returned %s, expected INLAY_INVALID_ARGUMENT (last error: \"%s\")\n",
           line, function, argument, inlay_status_name(st), message);
    return;
  }
  ++g_passed;
  if (!check_impl(strncmp(message, function, n) == 0 && message[n] == ':' && message[n + 1] == ' ',
                  "the message starts with the function's name", line) ||
      !check_impl(mentions_word(message, argument), "the message names the argument", line) ||
      !check_impl(strstr(message, "NULL") != NULL, "the message says NULL", line)) {
    printf("    %s(%s = NULL): \"%s\"\n", function, argument, message);
  }
}

static void row_null_ok(const char *function, const char *argument, const char *call_text, inlay_status st,
                        int line) {
  ++g_rows[ROW_NULL_OK];
  check_row_call(function, call_text, line);
  if (!check_impl(st == INLAY_OK, "NULL is allowed here: the call succeeds", line)) {
    printf("    %s(%s = NULL) returned %s: \"%s\"\n", function, argument, inlay_status_name(st), inlay_last_error());
  }
}

static void row_null_empty(const char *function, const char *argument, const char *call_text, inlay_status st,
                           inlay_status expected, int line) {
  const char *message = inlay_last_error();
  ++g_rows[ROW_NULL_EMPTY];
  check_row_call(function, call_text, line);
  if (!check_impl(st == expected, "a NULL list of count 0: the status for the count", line)) {
    printf("    %s(%s = NULL, count 0) returned %s, expected %s: \"%s\"\n", function, argument,
           inlay_status_name(st), inlay_status_name(expected), message);
  }
  if (st != INLAY_OK && !check_impl(strstr(message, "is NULL") == NULL, "not a NULL-argument error", line)) {
    printf("    %s(%s = NULL, count 0): \"%s\"\n", function, argument, message);
  }
}

/* Accessors must not set the last error: each NULL_VALUE row starts from a known one. */
static char g_primed_error[256];
static void prime_last_error(void) {
  inlay_dtype d;
  if (inlay_dtype_parse("no_such_dtype", &d) == INLAY_OK) {
    ++g_failed;
    printf("FAILED: inlay_dtype_parse(\"no_such_dtype\") succeeded\n");
  }
  strncpy(g_primed_error, inlay_last_error(), sizeof g_primed_error - 1);
  g_primed_error[sizeof g_primed_error - 1] = '\0';
}

static void row_null_value(const char *function, const char *argument, const char *call_text, int ok, int line) {
  ++g_rows[ROW_NULL_VALUE];
  check_row_call(function, call_text, line);
  if (!check_impl(ok, "the accessor returns its documented value for NULL", line)) {
    printf("    %s(%s = NULL)\n", function, argument);
  }
  if (!check_impl(strcmp(inlay_last_error(), g_primed_error) == 0, "an accessor does not set the last error",
                  line)) {
    printf("    %s(%s = NULL) changed the last error to \"%s\"\n", function, argument, inlay_last_error());
  }
}

static void row_noop(const char *function, const char *argument, const char *call_text, int line) {
  ++g_rows[ROW_NULL_NOOP];
  check_row_call(function, call_text, line);
  (void)argument;
  ++g_passed; /* reaching here without a crash is the check */
}

static void row_no_pointers(const char *function, const char *call_text, int ok, int line) {
  ++g_rows[ROW_NO_POINTERS];
  check_row_call(function, call_text, line);
  if (!check_impl(ok, "a function without pointer arguments: its documented result", line)) {
    printf("    %s\n", call_text);
  }
}

#define NULL_ARG(function, argument, call) row_null_arg(function, argument, #call, (call), __LINE__)
#define NULL_OK(function, argument, call) row_null_ok(function, argument, #call, (call), __LINE__)
#define NULL_EMPTY(function, argument, call, expected) \
  row_null_empty(function, argument, #call, (call), (expected), __LINE__)
#define NULL_VALUE(function, argument, call, expected)                                            \
  do {                                                                                            \
    prime_last_error();                                                                           \
    row_null_value(function, argument, #call, (call) == (expected), __LINE__);                    \
  } while (0)
#define NULL_NOOP(function, argument, call) \
  do {                                      \
    call;                                   \
    row_noop(function, argument, #call, __LINE__); \
  } while (0)
#define NO_POINTERS(function, call, ok) row_no_pointers(function, #call, (ok), __LINE__)

/* Values no library call returns, pre-set into out-parameters to see that failures leave them alone. */
static char g_sentinel_bytes[64];
#define SENTINEL ((void *)g_sentinel_bytes)
#define S_SPEC ((inlay_spec *)SENTINEL)
#define S_TENSOR ((inlay_tensor *)SENTINEL)
#define S_LAYER ((inlay_layer *)SENTINEL)
#define S_MODEL ((inlay_model *)SENTINEL)
#define S_ARRAY ((inlay_array *)SENTINEL)
#define S_GRAPH ((inlay_graph *)SENTINEL)
#define S_TEXT ((char *)SENTINEL)

/* ---------------------------------------------------------------------------------------------------------
 * What the rows use
 * ------------------------------------------------------------------------------------------------------- */

static const char *const kLoadedModel = INLAY_FIXTURES_DIR "/models/logistic_regression/model.keras";
static const char *const kNpyFile = INLAY_FIXTURES_DIR "/npy/float32_2x3.npy";
static const char *const kUnwrittenNpy = "inlay_null_arguments_never_written.npy";
static const char *const kModelJson =
    "{\"class_name\":\"Sequential\",\"config\":{\"name\":\"s\",\"layers\":["
    "{\"class_name\":\"InputLayer\",\"config\":{\"batch_shape\":[null,3],\"name\":\"in\"}},"
    "{\"class_name\":\"Dense\",\"config\":{\"units\":2,\"name\":\"d\"}}]}}";

struct fixture {
  inlay_graph *g;
  inlay_spec *spec; /* TensorSpec (None, 4) */
  inlay_tensor *x;  /* Input((4,)) */
  inlay_tensor *y;  /* Dense(2)(x) */
  inlay_layer *dense;
  inlay_layer *unbuilt; /* Dense(3), never called */
  inlay_model *built;   /* Model(x, y) */
  inlay_model *loaded;  /* logistic_regression/model.keras */
  inlay_array *dense_array;
  inlay_array *sparse_array;
  inlay_array *ragged_array;
  int64_t sparse_indices[2];
  float sparse_values[1];
  float ragged_values[6];
  int64_t ragged_splits[3];
};

static int make_fixture(struct fixture *f) {
  size_t n = 0;
  const int64_t dense_dims[2] = {2, 3};
  const int64_t sparse_dims[2] = {2, 3};
  const int64_t flat_dims[2] = {3, 2};
  memset(f, 0, sizeof *f);
  f->sparse_indices[0] = 1;
  f->sparse_indices[1] = 2;
  f->sparse_values[0] = 5.0f;
  f->ragged_splits[0] = 0;
  f->ragged_splits[1] = 1;
  f->ragged_splits[2] = 3;
  if (!CHECK(inlay_graph_create(&f->g) == INLAY_OK) ||
      !CHECK(inlay_spec_from_json("{\"kind\":\"tensor\",\"shape\":[null,4]}", &f->spec) == INLAY_OK) ||
      !CHECK(inlay_input(f->g, "{\"shape\":[4],\"name\":\"x\"}", NULL, NULL, &f->x) == INLAY_OK) ||
      !CHECK(inlay_layer_create(f->g, "Dense", "{\"units\":2,\"name\":\"d\"}", &f->dense) == INLAY_OK) ||
      !CHECK(inlay_layer_call(f->dense, &f->x, 1, &f->y, 1, &n) == INLAY_OK) ||
      !CHECK(inlay_layer_create(f->g, "Dense", "{\"units\":3}", &f->unbuilt) == INLAY_OK) ||
      !CHECK(inlay_model_create(f->g, &f->x, 1, &f->y, 1, "built", &f->built) == INLAY_OK) ||
      !CHECK(inlay_model_load(kLoadedModel, &f->loaded) == INLAY_OK) ||
      !CHECK(inlay_array_create(INLAY_FLOAT32, dense_dims, 2, &f->dense_array) == INLAY_OK) ||
      !CHECK(inlay_array_wrap_sparse(INLAY_FLOAT32, sparse_dims, 2, f->sparse_indices, f->sparse_values, 1,
                                     &f->sparse_array) == INLAY_OK) ||
      !CHECK(inlay_array_wrap_ragged(INLAY_FLOAT32, f->ragged_values, flat_dims, 2, f->ragged_splits, 3,
                                     &f->ragged_array) == INLAY_OK)) {
    printf("    cannot build the fixture: \"%s\"\n", inlay_last_error());
    return 0;
  }
  return 1;
}

static void free_fixture(struct fixture *f) {
  inlay_array_free(f->ragged_array);
  inlay_array_free(f->sparse_array);
  inlay_array_free(f->dense_array);
  inlay_model_free(f->loaded);
  inlay_model_free(f->built);
  inlay_spec_free(f->spec);
  inlay_graph_free(f->g);
}

/* A batch of 1 for the model's (only) input, zero-filled. */
static inlay_array *input_for(const inlay_model *m) {
  const inlay_tensor *in = inlay_model_input(m, 0);
  int64_t dims[INLAY_MAX_RANK];
  int rank = inlay_tensor_rank(in);
  int i;
  inlay_array *a = NULL;
  if (rank < 1 || rank > INLAY_MAX_RANK) return NULL;
  for (i = 0; i < rank; ++i) dims[i] = inlay_tensor_dims(in)[i] < 0 ? 1 : inlay_tensor_dims(in)[i];
  return inlay_array_create(INLAY_FLOAT32, dims, rank, &a) == INLAY_OK ? a : NULL;
}

/* A weight's values, malloc'd (NULL on failure); *n receives the count. */
static float *weight_copy(const inlay_model *m, size_t i, size_t *n) {
  int rank = 0, d;
  const int64_t *dims = NULL;
  size_t count = 1;
  float *values;
  if (inlay_model_weight_info(m, i, NULL, &rank, &dims) != INLAY_OK) return NULL;
  for (d = 0; d < rank; ++d) count *= (size_t)dims[d];
  values = (float *)malloc(count * sizeof(float) + 1);
  if (values != NULL && inlay_model_get_weight(m, i, values, count) != INLAY_OK) {
    free(values);
    return NULL;
  }
  *n = count;
  return values;
}

/* ---------------------------------------------------------------------------------------------------------
 * The rows, by header section
 * ------------------------------------------------------------------------------------------------------- */

static void rows_basics(void) {
  inlay_dtype d = INLAY_BOOL;

  NO_POINTERS("inlay_last_error", inlay_last_error(), inlay_last_error() != NULL);
  NO_POINTERS("inlay_status_name", inlay_status_name((inlay_status)12345),
              strcmp(inlay_status_name((inlay_status)12345), "INLAY_UNKNOWN_STATUS") == 0);
  NO_POINTERS("inlay_version", inlay_version(), inlay_version() != NULL);
  NO_POINTERS("inlay_dtype_name", inlay_dtype_name((inlay_dtype)0), strcmp(inlay_dtype_name((inlay_dtype)0), "unknown") == 0);
  NO_POINTERS("inlay_dtype_size", inlay_dtype_size((inlay_dtype)-7), inlay_dtype_size((inlay_dtype)-7) == 0);

  NULL_NOOP("inlay_free", "p", inlay_free(NULL));

  NULL_ARG("inlay_runtime_info", "json_out", inlay_runtime_info(NULL));

  NULL_ARG("inlay_dtype_parse", "name", inlay_dtype_parse(NULL, &d));
  UNTOUCHED(d == INLAY_BOOL);
  NULL_ARG("inlay_dtype_parse", "out", inlay_dtype_parse("float32", NULL));
}

static void rows_specs(struct fixture *f) {
  inlay_spec *out = S_SPEC;
  char *text = S_TEXT;

  NULL_ARG("inlay_spec_from_json", "json", inlay_spec_from_json(NULL, &out));
  UNTOUCHED(out == S_SPEC);
  NULL_ARG("inlay_spec_from_json", "out", inlay_spec_from_json("{\"kind\":\"tensor\",\"shape\":[1]}", NULL));

  NULL_ARG("inlay_spec_to_json", "s", inlay_spec_to_json(NULL, &text));
  UNTOUCHED(text == S_TEXT);
  NULL_ARG("inlay_spec_to_json", "out", inlay_spec_to_json(f->spec, NULL));

  NULL_NOOP("inlay_spec_free", "s", inlay_spec_free(NULL));

  NULL_VALUE("inlay_spec_kind_of", "s", inlay_spec_kind_of(NULL), (inlay_spec_kind)0);
  NULL_VALUE("inlay_spec_rank", "s", inlay_spec_rank(NULL), -1);
  NULL_VALUE("inlay_spec_dims", "s", inlay_spec_dims(NULL), NULL);
  NULL_VALUE("inlay_spec_dtype", "s", inlay_spec_dtype(NULL), (inlay_dtype)0);
  NULL_VALUE("inlay_spec_name", "s", inlay_spec_name(NULL), NULL);
  NULL_VALUE("inlay_spec_ragged_rank", "s", inlay_spec_ragged_rank(NULL), -1);
  NULL_VALUE("inlay_spec_is_compatible_with", "a", inlay_spec_is_compatible_with(NULL, f->spec), 0);
  NULL_VALUE("inlay_spec_is_compatible_with", "b", inlay_spec_is_compatible_with(f->spec, NULL), 0);

  out = S_SPEC;
  NULL_ARG("inlay_spec_most_specific_compatible", "a", inlay_spec_most_specific_compatible(NULL, f->spec, &out));
  UNTOUCHED(out == S_SPEC);
  NULL_ARG("inlay_spec_most_specific_compatible", "b", inlay_spec_most_specific_compatible(f->spec, NULL, &out));
  UNTOUCHED(out == S_SPEC);
  NULL_ARG("inlay_spec_most_specific_compatible", "out", inlay_spec_most_specific_compatible(f->spec, f->spec, NULL));
}

static void rows_graph(struct fixture *f) {
  inlay_graph *g = S_GRAPH;
  inlay_tensor *t = S_TENSOR;
  inlay_layer *l = S_LAYER;
  inlay_tensor *outs[2] = {S_TENSOR, S_TENSOR};
  inlay_tensor *no_tensor[1] = {NULL};
  size_t n = 77;
  char *text = S_TEXT;

  NULL_ARG("inlay_graph_create", "out", inlay_graph_create(NULL));
  NULL_NOOP("inlay_graph_free", "g", inlay_graph_free(NULL));
  UNTOUCHED(g == S_GRAPH);

  /* inlay_input: g and out required; kwargs_json, type_spec and tensor optional. */
  NULL_ARG("inlay_input", "g", inlay_input(NULL, "{\"shape\":[4]}", NULL, NULL, &t));
  UNTOUCHED(t == S_TENSOR);
  NULL_ARG("inlay_input", "out", inlay_input(f->g, "{\"shape\":[4]}", NULL, NULL, NULL));
  t = NULL;
  NULL_OK("inlay_input", "kwargs_json", inlay_input(f->g, NULL, f->spec, NULL, &t)); /* kwargs {} */
  CHECK(t != NULL && inlay_tensor_rank(t) == 2);
  t = NULL;
  NULL_OK("inlay_input", "tensor", inlay_input(f->g, "{\"name\":\"from_spec\"}", f->spec, NULL, &t));
  CHECK(t != NULL && inlay_tensor_rank(t) == 2);
  {
    inlay_tensor *wrapped = NULL;
    t = NULL;
    if (CHECK(inlay_input(f->g, "{\"shape\":[4]}", NULL, NULL, &wrapped) == INLAY_OK)) {
      NULL_OK("inlay_input", "type_spec", inlay_input(f->g, "{\"shape\":[4]}", NULL, wrapped, &t));
      CHECK(t == wrapped);
    }
  }

  /* Tensor accessors. */
  NULL_VALUE("inlay_tensor_rank", "t", inlay_tensor_rank(NULL), -1);
  NULL_VALUE("inlay_tensor_dims", "t", inlay_tensor_dims(NULL), NULL);
  NULL_VALUE("inlay_tensor_dtype", "t", inlay_tensor_dtype(NULL), (inlay_dtype)0);
  NULL_VALUE("inlay_tensor_name", "t", inlay_tensor_name(NULL), NULL);
  NULL_VALUE("inlay_tensor_spec", "t", inlay_tensor_spec(NULL), NULL);
  NULL_VALUE("inlay_tensor_layer", "t", inlay_tensor_layer(NULL), NULL);

  /* inlay_layer_create: g, class_name, out required; config_json optional (NULL means {}). */
  NULL_ARG("inlay_layer_create", "g", inlay_layer_create(NULL, "Flatten", "{}", &l));
  UNTOUCHED(l == S_LAYER);
  NULL_ARG("inlay_layer_create", "class_name", inlay_layer_create(f->g, NULL, "{}", &l));
  UNTOUCHED(l == S_LAYER);
  NULL_ARG("inlay_layer_create", "out", inlay_layer_create(f->g, "Flatten", "{}", NULL));
  l = NULL;
  NULL_OK("inlay_layer_create", "config_json", inlay_layer_create(f->g, "Flatten", NULL, &l));
  CHECK(l != NULL && strcmp(inlay_layer_class_name(l), "Flatten") == 0);

  /* inlay_layer_call: l, inputs (count > 0), outputs, n_outputs required. The never-called layer stays so. */
  NULL_ARG("inlay_layer_call", "l", inlay_layer_call(NULL, &f->x, 1, outs, 2, &n));
  NULL_ARG("inlay_layer_call", "inputs", inlay_layer_call(f->unbuilt, NULL, 1, outs, 2, &n));
  NULL_ARG("inlay_layer_call", "outputs", inlay_layer_call(f->unbuilt, &f->x, 1, NULL, 2, &n));
  NULL_ARG("inlay_layer_call", "n_outputs", inlay_layer_call(f->unbuilt, &f->x, 1, outs, 2, NULL));
  NULL_ARG("inlay_layer_call", "inputs[0]", inlay_layer_call(f->unbuilt, no_tensor, 1, outs, 2, &n));
  UNTOUCHED(outs[0] == S_TENSOR && outs[1] == S_TENSOR && n == 77);
  UNTOUCHED(inlay_layer_output_count(f->unbuilt) == 0);
  NULL_EMPTY("inlay_layer_call", "inputs", inlay_layer_call(f->unbuilt, NULL, 0, outs, 2, &n),
             INLAY_INVALID_ARGUMENT);
  UNTOUCHED(outs[0] == S_TENSOR && n == 77);
  UNTOUCHED(inlay_layer_output_count(f->unbuilt) == 0);

  NULL_VALUE("inlay_layer_name", "l", inlay_layer_name(NULL), NULL);
  NULL_VALUE("inlay_layer_class_name", "l", inlay_layer_class_name(NULL), NULL);
  NULL_ARG("inlay_layer_get_config", "l", inlay_layer_get_config(NULL, &text));
  UNTOUCHED(text == S_TEXT);
  NULL_ARG("inlay_layer_get_config", "json_out", inlay_layer_get_config(f->dense, NULL));
  NULL_VALUE("inlay_layer_output_count", "l", inlay_layer_output_count(NULL), 0);
  NULL_VALUE("inlay_layer_output", "l", inlay_layer_output(NULL, 0), NULL);
}

static void rows_models(struct fixture *f) {
  inlay_model *m = S_MODEL;
  inlay_tensor *no_tensor[1] = {NULL};
  inlay_layer *no_layer[1] = {NULL};
  inlay_layer *stack[2] = {NULL, NULL};
  inlay_tensor *input_tensor = NULL;

  /* inlay_model_create: g, inputs / outputs (count > 0) and out required; name optional. */
  NULL_ARG("inlay_model_create", "g", inlay_model_create(NULL, &f->x, 1, &f->y, 1, "m", &m));
  UNTOUCHED(m == S_MODEL);
  NULL_ARG("inlay_model_create", "inputs", inlay_model_create(f->g, NULL, 1, &f->y, 1, "m", &m));
  UNTOUCHED(m == S_MODEL);
  NULL_ARG("inlay_model_create", "outputs", inlay_model_create(f->g, &f->x, 1, NULL, 1, "m", &m));
  UNTOUCHED(m == S_MODEL);
  NULL_ARG("inlay_model_create", "out", inlay_model_create(f->g, &f->x, 1, &f->y, 1, "m", NULL));
  NULL_ARG("inlay_model_create", "inputs[0]", inlay_model_create(f->g, no_tensor, 1, &f->y, 1, "m", &m));
  UNTOUCHED(m == S_MODEL);
  NULL_ARG("inlay_model_create", "outputs[0]", inlay_model_create(f->g, &f->x, 1, no_tensor, 1, "m", &m));
  UNTOUCHED(m == S_MODEL);
  NULL_EMPTY("inlay_model_create", "inputs", inlay_model_create(f->g, NULL, 0, &f->y, 1, "m", &m),
             INLAY_INVALID_ARGUMENT);
  UNTOUCHED(m == S_MODEL);
  NULL_EMPTY("inlay_model_create", "outputs", inlay_model_create(f->g, &f->x, 1, NULL, 0, "m", &m),
             INLAY_INVALID_ARGUMENT);
  UNTOUCHED(m == S_MODEL);
  m = NULL;
  NULL_OK("inlay_model_create", "name", inlay_model_create(f->g, &f->x, 1, &f->y, 1, NULL, &m));
  CHECK(m != NULL && strncmp(inlay_model_name(m), "functional", 10) == 0);
  inlay_model_free(m);

  /* inlay_sequential_create: g, layers (count > 0), out required; name optional. */
  if (CHECK(inlay_input(f->g, "{\"shape\":[5],\"name\":\"seq_in\"}", NULL, NULL, &input_tensor) == INLAY_OK) &&
      CHECK(inlay_layer_create(f->g, "Dense", "{\"units\":2}", &stack[1]) == INLAY_OK)) {
    stack[0] = inlay_tensor_layer(input_tensor);
    m = S_MODEL;
    NULL_ARG("inlay_sequential_create", "g", inlay_sequential_create(NULL, stack, 2, "s", &m));
    UNTOUCHED(m == S_MODEL);
    NULL_ARG("inlay_sequential_create", "layers", inlay_sequential_create(f->g, NULL, 2, "s", &m));
    UNTOUCHED(m == S_MODEL);
    NULL_ARG("inlay_sequential_create", "out", inlay_sequential_create(f->g, stack, 2, "s", NULL));
    NULL_ARG("inlay_sequential_create", "layers[0]", inlay_sequential_create(f->g, no_layer, 1, "s", &m));
    UNTOUCHED(m == S_MODEL);
    NULL_EMPTY("inlay_sequential_create", "layers", inlay_sequential_create(f->g, NULL, 0, "s", &m),
               INLAY_INVALID_ARGUMENT);
    UNTOUCHED(m == S_MODEL);
    UNTOUCHED(inlay_layer_output_count(stack[1]) == 0); /* none of the failures called the Dense */
    m = NULL;
    NULL_OK("inlay_sequential_create", "name", inlay_sequential_create(f->g, stack, 2, NULL, &m));
    CHECK(m != NULL && strncmp(inlay_model_name(m), "sequential", 10) == 0);
    inlay_model_free(m);
  }

  m = S_MODEL;
  NULL_ARG("inlay_model_from_json", "json", inlay_model_from_json(NULL, &m));
  UNTOUCHED(m == S_MODEL);
  NULL_ARG("inlay_model_from_json", "out", inlay_model_from_json(kModelJson, NULL));
  NULL_ARG("inlay_model_load", "path", inlay_model_load(NULL, &m));
  UNTOUCHED(m == S_MODEL);
  NULL_ARG("inlay_model_load", "out", inlay_model_load(kLoadedModel, NULL));
  NULL_ARG("inlay_model_load_with_options", "path", inlay_model_load_with_options(NULL, "{}", &m));
  UNTOUCHED(m == S_MODEL);
  NULL_ARG("inlay_model_load_with_options", "out", inlay_model_load_with_options(kLoadedModel, "{}", NULL));
  m = NULL;
  NULL_OK("inlay_model_load_with_options", "options_json", inlay_model_load_with_options(kLoadedModel, NULL, &m));
  CHECK(m != NULL && inlay_model_weight_count(m) > 0);
  inlay_model_free(m);
  m = S_MODEL;
  NULL_NOOP("inlay_model_free", "m", inlay_model_free(NULL));

  NULL_VALUE("inlay_model_name", "m", inlay_model_name(NULL), NULL);
  NULL_VALUE("inlay_model_input_count", "m", inlay_model_input_count(NULL), 0);
  NULL_VALUE("inlay_model_output_count", "m", inlay_model_output_count(NULL), 0);
  NULL_VALUE("inlay_model_input", "m", inlay_model_input(NULL, 0), NULL);
  NULL_VALUE("inlay_model_output", "m", inlay_model_output(NULL, 0), NULL);
  NULL_VALUE("inlay_model_layer_count", "m", inlay_model_layer_count(NULL), 0);
  NULL_VALUE("inlay_model_layer", "m", inlay_model_layer(NULL, 0), NULL);
  NULL_VALUE("inlay_model_weight_count", "m", inlay_model_weight_count(NULL), 0);
  NULL_VALUE("inlay_model_num_threads", "m", inlay_model_num_threads(NULL), 0);
}

/* The rows that take a model, run on the model built here and on the one loaded from a file. */
static void rows_model_handle(inlay_model *model, const char *which) {
  const char *name = (const char *)SENTINEL;
  int rank = -77;
  const int64_t *dims = (const int64_t *)SENTINEL;
  char *text = S_TEXT;
  size_t n0 = 0, n_check = 0;
  float *before = weight_copy(model, 0, &n0);
  float *after;
  float *buffer;
  inlay_array *input = input_for(model);
  const inlay_array *inputs[1];
  const inlay_array *no_input[1] = {NULL};
  inlay_array *outputs[1] = {NULL};
  int threads = inlay_model_num_threads(model);
  char *json_before = NULL, *json_after = NULL;

  printf("rows on the %s model\n", which);
  inputs[0] = input;
  if (!CHECK(before != NULL && input != NULL) || !CHECK(inlay_model_to_json(model, &json_before) == INLAY_OK)) {
    free(before);
    inlay_array_free(input);
    return;
  }
  buffer = (float *)malloc(n0 * sizeof(float) + 1);

  /* inlay_model_weight_info: m required; name, rank, dims optional. */
  NULL_ARG("inlay_model_weight_info", "m", inlay_model_weight_info(NULL, 0, &name, &rank, &dims));
  UNTOUCHED(name == (const char *)SENTINEL && rank == -77 && dims == (const int64_t *)SENTINEL);
  NULL_OK("inlay_model_weight_info", "name", inlay_model_weight_info(model, 0, NULL, &rank, &dims));
  CHECK(rank == 2 && dims != NULL && dims != (const int64_t *)SENTINEL);
  rank = -77;
  NULL_OK("inlay_model_weight_info", "rank", inlay_model_weight_info(model, 0, &name, NULL, &dims));
  CHECK(rank == -77 && name != NULL && name != (const char *)SENTINEL);
  NULL_OK("inlay_model_weight_info", "dims", inlay_model_weight_info(model, 0, &name, &rank, NULL));
  CHECK(rank == 2);

  /* set_weight / get_weight: m and data required (data even for 0 elements). */
  NULL_ARG("inlay_model_set_weight", "m", inlay_model_set_weight(NULL, 0, before, n0));
  NULL_ARG("inlay_model_set_weight", "data", inlay_model_set_weight(model, 0, NULL, n0));
  NULL_ARG("inlay_model_get_weight", "m", inlay_model_get_weight(NULL, 0, buffer, n0));
  NULL_ARG("inlay_model_get_weight", "data", inlay_model_get_weight(model, 0, NULL, n0));
  /* load_weights: m and path required; the weights stay as they were. */
  NULL_ARG("inlay_model_load_weights", "m", inlay_model_load_weights(NULL, kLoadedModel));
  NULL_ARG("inlay_model_load_weights", "path", inlay_model_load_weights(model, NULL));
  after = weight_copy(model, 0, &n_check);
  UNTOUCHED(after != NULL && n_check == n0 && memcmp(before, after, n0 * sizeof(float)) == 0);
  free(after);

  NULL_ARG("inlay_model_to_json", "m", inlay_model_to_json(NULL, &text));
  UNTOUCHED(text == S_TEXT);
  NULL_ARG("inlay_model_to_json", "json_out", inlay_model_to_json(model, NULL));
  NULL_ARG("inlay_model_summary", "m", inlay_model_summary(NULL, &text));
  UNTOUCHED(text == S_TEXT);
  NULL_ARG("inlay_model_summary", "text_out", inlay_model_summary(model, NULL));

  /* predict / prepare: m, inputs (count > 0), outputs (count > 0) required; NULL output entries allowed. */
  NULL_ARG("inlay_model_predict", "m", inlay_model_predict(NULL, inputs, 1, outputs, 1));
  UNTOUCHED(outputs[0] == NULL);
  NULL_ARG("inlay_model_predict", "inputs", inlay_model_predict(model, NULL, 1, outputs, 1));
  UNTOUCHED(outputs[0] == NULL);
  NULL_ARG("inlay_model_predict", "outputs", inlay_model_predict(model, inputs, 1, NULL, 1));
  NULL_ARG("inlay_model_predict", "inputs[0]", inlay_model_predict(model, no_input, 1, outputs, 1));
  UNTOUCHED(outputs[0] == NULL);
  NULL_EMPTY("inlay_model_predict", "inputs", inlay_model_predict(model, NULL, 0, outputs, 1), INLAY_INVALID_ARGUMENT);
  UNTOUCHED(outputs[0] == NULL);
  NULL_EMPTY("inlay_model_predict", "outputs", inlay_model_predict(model, inputs, 1, NULL, 0), INLAY_INVALID_ARGUMENT);
  NULL_OK("inlay_model_predict", "outputs[0]", inlay_model_predict(model, inputs, 1, outputs, 1));
  CHECK(outputs[0] != NULL && inlay_array_rank(outputs[0]) == 2);
  inlay_array_free(outputs[0]);

  NULL_ARG("inlay_model_prepare", "m", inlay_model_prepare(NULL, inputs, 1));
  NULL_ARG("inlay_model_prepare", "inputs", inlay_model_prepare(model, NULL, 1));
  NULL_ARG("inlay_model_prepare", "inputs[0]", inlay_model_prepare(model, no_input, 1));
  NULL_EMPTY("inlay_model_prepare", "inputs", inlay_model_prepare(model, NULL, 0), INLAY_INVALID_ARGUMENT);

  NULL_ARG("inlay_model_set_num_threads", "m", inlay_model_set_num_threads(NULL, 1));
  NULL_ARG("inlay_model_set_precision", "m", inlay_model_set_precision(NULL, INLAY_PRECISION_FLOAT32));
  UNTOUCHED(inlay_model_num_threads(model) == threads);

  /* None of the failures changed the model. */
  if (CHECK(inlay_model_to_json(model, &json_after) == INLAY_OK)) {
    UNTOUCHED(strcmp(json_before, json_after) == 0);
  }
  inlay_free(json_after);
  inlay_free(json_before);
  free(buffer);
  free(before);
  inlay_array_free(input);
}

static void rows_arrays(struct fixture *f) {
  inlay_array *a = S_ARRAY;
  const int64_t dims[2] = {2, 3};
  const int64_t empty_dims[2] = {0, 3};
  const int64_t flat_dims[2] = {3, 2};
  const int64_t empty_flat[1] = {0};
  const int64_t empty_splits[1] = {0};
  float data[6] = {0, 1, 2, 3, 4, 5};
  float scalar = 7.0f;
  size_t count = 77;
  int flat_rank = -77;

  /* inlay_array_create: dims required when rank > 0, out required. */
  NULL_ARG("inlay_array_create", "dims", inlay_array_create(INLAY_FLOAT32, NULL, 2, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_create", "out", inlay_array_create(INLAY_FLOAT32, dims, 2, NULL));
  a = NULL;
  NULL_OK("inlay_array_create", "dims", inlay_array_create(INLAY_FLOAT32, NULL, 0, &a)); /* rank 0 */
  CHECK(a != NULL && inlay_array_rank(a) == 0 && inlay_array_element_count(a) == 1);
  inlay_array_free(a);

  /* inlay_array_wrap: dims (rank > 0), data (with elements), out. */
  a = S_ARRAY;
  NULL_ARG("inlay_array_wrap", "dims", inlay_array_wrap(INLAY_FLOAT32, NULL, 2, data, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_wrap", "data", inlay_array_wrap(INLAY_FLOAT32, dims, 2, NULL, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_wrap", "out", inlay_array_wrap(INLAY_FLOAT32, dims, 2, data, NULL));
  a = NULL;
  NULL_OK("inlay_array_wrap", "dims", inlay_array_wrap(INLAY_FLOAT32, NULL, 0, &scalar, &a)); /* rank 0 */
  CHECK(a != NULL && inlay_array_data(a) == (void *)&scalar);
  inlay_array_free(a);
  a = NULL;
  NULL_OK("inlay_array_wrap", "data", inlay_array_wrap(INLAY_FLOAT32, empty_dims, 2, NULL, &a)); /* 0 elements */
  CHECK(a != NULL && inlay_array_element_count(a) == 0);
  inlay_array_free(a);

  /* inlay_array_wrap_sparse: dense_dims (rank >= 1), indices and values (nnz > 0), out. */
  a = S_ARRAY;
  NULL_ARG("inlay_array_wrap_sparse", "dense_dims",
           inlay_array_wrap_sparse(INLAY_FLOAT32, NULL, 2, f->sparse_indices, f->sparse_values, 1, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_wrap_sparse", "indices",
           inlay_array_wrap_sparse(INLAY_FLOAT32, dims, 2, NULL, f->sparse_values, 1, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_wrap_sparse", "values",
           inlay_array_wrap_sparse(INLAY_FLOAT32, dims, 2, f->sparse_indices, NULL, 1, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_wrap_sparse", "out",
           inlay_array_wrap_sparse(INLAY_FLOAT32, dims, 2, f->sparse_indices, f->sparse_values, 1, NULL));
  a = NULL;
  NULL_OK("inlay_array_wrap_sparse", "indices", inlay_array_wrap_sparse(INLAY_FLOAT32, dims, 2, NULL, NULL, 0, &a));
  CHECK(a != NULL && inlay_array_kind_of(a) == INLAY_ARRAY_SPARSE && inlay_array_element_count(a) == 0);
  inlay_array_free(a);
  a = NULL;
  NULL_OK("inlay_array_wrap_sparse", "values",
          inlay_array_wrap_sparse(INLAY_FLOAT32, dims, 2, f->sparse_indices, NULL, 0, &a));
  CHECK(a != NULL);
  inlay_array_free(a);

  /* inlay_array_wrap_ragged: flat_values (with elements), flat_dims, row_splits, out. */
  a = S_ARRAY;
  NULL_ARG("inlay_array_wrap_ragged", "flat_values",
           inlay_array_wrap_ragged(INLAY_FLOAT32, NULL, flat_dims, 2, f->ragged_splits, 3, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_wrap_ragged", "flat_dims",
           inlay_array_wrap_ragged(INLAY_FLOAT32, data, NULL, 2, f->ragged_splits, 3, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_wrap_ragged", "row_splits",
           inlay_array_wrap_ragged(INLAY_FLOAT32, data, flat_dims, 2, NULL, 3, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_wrap_ragged", "out",
           inlay_array_wrap_ragged(INLAY_FLOAT32, data, flat_dims, 2, f->ragged_splits, 3, NULL));
  a = NULL;
  NULL_OK("inlay_array_wrap_ragged", "flat_values",
          inlay_array_wrap_ragged(INLAY_FLOAT32, NULL, empty_flat, 1, empty_splits, 1, &a)); /* no values */
  CHECK(a != NULL && inlay_array_element_count(a) == 0);
  inlay_array_free(a);

  /* .npy files. */
  a = S_ARRAY;
  NULL_ARG("inlay_array_load_npy", "path", inlay_array_load_npy(NULL, &a));
  UNTOUCHED(a == S_ARRAY);
  NULL_ARG("inlay_array_load_npy", "out", inlay_array_load_npy(kNpyFile, NULL));
  NULL_ARG("inlay_array_save_npy", "a", inlay_array_save_npy(NULL, kUnwrittenNpy));
  NULL_ARG("inlay_array_save_npy", "path", inlay_array_save_npy(f->dense_array, NULL));
  {
    FILE *file = fopen(kUnwrittenNpy, "rb");
    UNTOUCHED(file == NULL); /* the failed save wrote no file */
    if (file != NULL) fclose(file);
  }

  NULL_NOOP("inlay_array_free", "a", inlay_array_free(NULL));

  /* Accessors. */
  NULL_VALUE("inlay_array_data", "a", inlay_array_data(NULL), NULL);
  NULL_VALUE("inlay_array_kind_of", "a", inlay_array_kind_of(NULL), (inlay_array_kind)0);
  NULL_VALUE("inlay_array_rank", "a", inlay_array_rank(NULL), -1);
  NULL_VALUE("inlay_array_dims", "a", inlay_array_dims(NULL), NULL);
  NULL_VALUE("inlay_array_dtype", "a", inlay_array_dtype(NULL), (inlay_dtype)0);
  NULL_VALUE("inlay_array_element_count", "a", inlay_array_element_count(NULL), 0);

  /* The optional out-parameters: NULL gives the same result as a real one. */
  {
    size_t n_splits = 0, nnz = 0;
    int rank = 0;
    const int64_t *splits = inlay_array_row_splits(f->ragged_array, &n_splits);
    const int64_t *fdims = inlay_array_flat_dims(f->ragged_array, &rank);
    const int64_t *indices = inlay_array_sparse_indices(f->sparse_array, &nnz);
    CHECK(splits != NULL && n_splits == 3 && fdims != NULL && rank == 2 && indices != NULL && nnz == 1);
    NULL_VALUE("inlay_array_row_splits", "a", inlay_array_row_splits(NULL, &count), NULL);
    UNTOUCHED(count == 77);
    NULL_VALUE("inlay_array_row_splits", "n_row_splits", inlay_array_row_splits(f->ragged_array, NULL), splits);
    NULL_VALUE("inlay_array_flat_dims", "a", inlay_array_flat_dims(NULL, &flat_rank), NULL);
    UNTOUCHED(flat_rank == -77);
    NULL_VALUE("inlay_array_flat_dims", "flat_rank", inlay_array_flat_dims(f->ragged_array, NULL), fdims);
    NULL_VALUE("inlay_array_sparse_indices", "a", inlay_array_sparse_indices(NULL, &count), NULL);
    UNTOUCHED(count == 77);
    NULL_VALUE("inlay_array_sparse_indices", "nnz", inlay_array_sparse_indices(f->sparse_array, NULL), indices);
  }
}

int main(void) {
  struct fixture f;
  int built;
  rows_basics();
  built = make_fixture(&f);
  if (built) {
    rows_specs(&f);
    rows_graph(&f);
    rows_models(&f);
    rows_model_handle(f.built, "built");
    rows_model_handle(f.loaded, "loaded");
    rows_arrays(&f);
  }
  free_fixture(&f);
  printf("rows: %d NULL_ARG, %d NULL_OK, %d NULL_EMPTY, %d NULL_VALUE, %d NULL_NOOP, %d NO_POINTERS\n",
         g_rows[ROW_NULL_ARG], g_rows[ROW_NULL_OK], g_rows[ROW_NULL_EMPTY], g_rows[ROW_NULL_VALUE],
         g_rows[ROW_NULL_NOOP], g_rows[ROW_NO_POINTERS]);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 && built ? 0 : 1;
}
