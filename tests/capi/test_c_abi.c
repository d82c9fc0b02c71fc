/*
 * A pure C99 program driving the whole inlay C ABI (include/inlay/inlay.h), error paths included.
 *
 * Expected values come from the header's contract, are derived by hand, or are Keras's / TensorFlow's own
 * messages as recorded in tests/fixtures/input_cases.json and tests/fixtures/spec_cases.json (the fixture
 * case id is named next to each). Nothing here is copied from inlay's own output.
 *
 * Prints one line per failed check and, last, "N passed, M failed". Exit status 0 only when M == 0.
 * Everything created is freed: the program is meant to run clean under valgrind --leak-check=full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inlay/inlay.h"

/* ---------------------------------------------------------------------------------------------------------
 * A tiny check harness
 * ------------------------------------------------------------------------------------------------------- */

static int g_passed = 0;
static int g_failed = 0;

static int check_impl(int ok, const char *what, const char *file, int line) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAILED %s:%d: %s\n", file, line, what);
  }
  return ok;
}

#define CHECK(cond) check_impl((cond) != 0, #cond, __FILE__, __LINE__)

static const char *or_null(const char *s) { return s != NULL ? s : "(NULL)"; }

static int check_str_impl(const char *actual, const char *expected, const char *what, const char *file, int line) {
  int ok;
  if (actual == NULL || expected == NULL) {
    ok = actual == expected;
  } else {
    ok = strcmp(actual, expected) == 0;
  }
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAILED %s:%d: %s: got \"%s\", expected \"%s\"\n", file, line, what, or_null(actual), or_null(expected));
  }
  return ok;
}

/* String equality; NULL equals only NULL. */
#define CHECK_STR(actual, expected) check_str_impl((actual), (expected), #actual, __FILE__, __LINE__)

static int check_contains_impl(const char *text, const char *needle, const char *what, const char *file, int line) {
  int ok = text != NULL && needle != NULL && strstr(text, needle) != NULL;
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAILED %s:%d: %s: \"%s\" does not contain \"%s\"\n", file, line, what, or_null(text), or_null(needle));
  }
  return ok;
}

#define CHECK_CONTAINS(text, needle) check_contains_impl((text), (needle), #text, __FILE__, __LINE__)

static int check_status_impl(inlay_status actual, inlay_status expected, const char *what, const char *file,
                             int line) {
  int ok = actual == expected;
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    printf("FAILED %s:%d: %s: got %s, expected %s (last error: \"%s\")\n", file, line, what,
           inlay_status_name(actual), inlay_status_name(expected), inlay_last_error());
  }
  return ok;
}

/* Evaluates call once and compares its status. */
#define CHECK_STATUS(call, expected) check_status_impl((call), (expected), #call, __FILE__, __LINE__)

/* A failure with Keras's exact message: the status, then inlay_last_error(). */
#define CHECK_FAILS(call, expected_status, expected_message)          \
  do {                                                                \
    if (CHECK_STATUS(call, expected_status)) {                        \
      CHECK_STR(inlay_last_error(), expected_message);                \
    }                                                                 \
  } while (0)

/* 1 when word occurs in text as a whole word (not inside a longer identifier). */
static int mentions_word(const char *text, const char *word) {
  size_t n = strlen(word);
  const char *p = text;
  if (text == NULL || n == 0) return 0;
  while ((p = strstr(p, word)) != NULL) {
    int before_ok = p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
                                   (p[-1] >= '0' && p[-1] <= '9'));
    char after = p[n];
    int after_ok = !(after == '_' || (after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
                     (after >= '0' && after <= '9'));
    if (before_ok && after_ok) return 1;
    ++p;
  }
  return 0;
}

/* A NULL-argument failure: INLAY_INVALID_ARGUMENT, and the message names the function and the argument. */
#define CHECK_NULL_ARG(call, function, argument)                                                     \
  do {                                                                                               \
    if (CHECK_STATUS(call, INLAY_INVALID_ARGUMENT)) {                                                \
      if (!check_impl(mentions_word(inlay_last_error(), argument), "message names argument '" argument \
                      "'", __FILE__, __LINE__)) {                                                    \
        printf("    message was: \"%s\"\n", inlay_last_error());                                    \
      }                                                                                              \
      CHECK_CONTAINS(inlay_last_error(), function);                                                  \
    }                                                                                                \
  } while (0)

/* A non-NULL pointer value that no library call returns: pre-set into out-parameters to see they are left
 * untouched on failure. */
static union {
  long double ld;
  void *p;
  long long ll;
  double d;
} g_sentinel_storage;
#define SENTINEL ((void *)&g_sentinel_storage)

static int dims_equal(const int64_t *dims, const int64_t *expected, int rank) {
  int i;
  if (dims == NULL) return 0;
  for (i = 0; i < rank; ++i) {
    if (dims[i] != expected[i]) return 0;
  }
  return 1;
}

/* Spec from JSON that must succeed (NULL and a failed check otherwise). */
static inlay_spec *spec_ok(const char *json, int line) {
  inlay_spec *s = NULL;
  inlay_status st = inlay_spec_from_json(json, &s);
  if (!check_status_impl(st, INLAY_OK, json, __FILE__, line)) return NULL;
  check_impl(s != NULL, "spec handle is non-NULL", __FILE__, line);
  return s;
}
#define SPEC_OK(json) spec_ok((json), __LINE__)

/* inlay_input that must succeed. */
static inlay_tensor *input_ok(inlay_graph *g, const char *kwargs, const inlay_spec *spec, const inlay_tensor *t,
                              int line) {
  inlay_tensor *out = NULL;
  inlay_status st = inlay_input(g, kwargs, spec, t, &out);
  if (!check_status_impl(st, INLAY_OK, kwargs != NULL ? kwargs : "(NULL kwargs)", __FILE__, line)) return NULL;
  check_impl(out != NULL, "tensor handle is non-NULL", __FILE__, line);
  return out;
}
#define INPUT_OK(g, kwargs, spec, t) input_ok((g), (kwargs), (spec), (t), __LINE__)

/* inlay_input that must fail with Keras's message, leaving the out-parameter untouched. */
static void input_fails(inlay_graph *g, const char *kwargs, const inlay_spec *spec, const inlay_tensor *t,
                        inlay_status expected_status, const char *expected_message, int line) {
  inlay_tensor *out = (inlay_tensor *)SENTINEL;
  inlay_status st = inlay_input(g, kwargs, spec, t, &out);
  if (check_status_impl(st, expected_status, kwargs != NULL ? kwargs : "(NULL kwargs)", __FILE__, line) &&
      expected_message != NULL) {
    check_str_impl(inlay_last_error(), expected_message, "inlay_last_error()", __FILE__, line);
  }
  check_impl(out == (inlay_tensor *)SENTINEL, "inlay_input left *out untouched on failure", __FILE__, line);
}
#define INPUT_FAILS(g, kwargs, spec, t, status, message) input_fails((g), (kwargs), (spec), (t), (status), (message), __LINE__)

/* inlay_layer_create that must fail, leaving the out-parameter untouched. */
static void layer_fails(inlay_graph *g, const char *class_name, const char *config, inlay_status expected_status,
                        const char *expected_message, int line) {
  inlay_layer *out = (inlay_layer *)SENTINEL;
  inlay_status st = inlay_layer_create(g, class_name, config, &out);
  if (check_status_impl(st, expected_status, config != NULL ? config : "(NULL config)", __FILE__, line) &&
      expected_message != NULL) {
    check_str_impl(inlay_last_error(), expected_message, "inlay_last_error()", __FILE__, line);
  }
  check_impl(out == (inlay_layer *)SENTINEL, "inlay_layer_create left *out untouched on failure", __FILE__, line);
}
#define LAYER_FAILS(g, cls, config, status, message) layer_fails((g), (cls), (config), (status), (message), __LINE__)

/* A layer's config as text (NULL on failure, with a failed check); free with inlay_free. */
static char *config_of(const inlay_layer *l, int line) {
  char *json = NULL;
  if (!check_status_impl(inlay_layer_get_config(l, &json), INLAY_OK, "inlay_layer_get_config", __FILE__, line)) {
    return NULL;
  }
  return json;
}
#define CONFIG_OF(l) config_of((l), __LINE__)

/* ---------------------------------------------------------------------------------------------------------
 * Status, errors, version, memory, runtime
 * ------------------------------------------------------------------------------------------------------- */

static void test_basics(void) {
  char expected_version[64];
  char *json;
  inlay_dtype d;

  /* Before any failure in this thread. This must run first. */
  CHECK(inlay_last_error() != NULL);
  CHECK_STR(inlay_last_error(), "");

  sprintf(expected_version, "%d.%d.%d", INLAY_VERSION_MAJOR, INLAY_VERSION_MINOR, INLAY_VERSION_PATCH);
  CHECK_STR(inlay_version(), expected_version);
  CHECK(INLAY_VERSION_NUMBER == INLAY_VERSION_MAJOR * 10000 + INLAY_VERSION_MINOR * 100 + INLAY_VERSION_PATCH);

  CHECK(INLAY_OK == 0);
  CHECK_STR(inlay_status_name(INLAY_OK), "INLAY_OK");
  CHECK_STR(inlay_status_name(INLAY_INVALID_ARGUMENT), "INLAY_INVALID_ARGUMENT");
  CHECK_STR(inlay_status_name(INLAY_SHAPE_MISMATCH), "INLAY_SHAPE_MISMATCH");
  CHECK_STR(inlay_status_name(INLAY_NOT_FOUND), "INLAY_NOT_FOUND");
  CHECK_STR(inlay_status_name(INLAY_UNSUPPORTED), "INLAY_UNSUPPORTED");
  CHECK_STR(inlay_status_name(INLAY_PARSE_ERROR), "INLAY_PARSE_ERROR");
  CHECK_STR(inlay_status_name(INLAY_IO_ERROR), "INLAY_IO_ERROR");
  CHECK_STR(inlay_status_name(INLAY_OUT_OF_MEMORY), "INLAY_OUT_OF_MEMORY");
  CHECK_STR(inlay_status_name(INLAY_INTERNAL_ERROR), "INLAY_INTERNAL_ERROR");
  CHECK_STR(inlay_status_name((inlay_status)(INLAY_INTERNAL_ERROR + 1)), "INLAY_UNKNOWN_STATUS");
  CHECK_STR(inlay_status_name((inlay_status)1000), "INLAY_UNKNOWN_STATUS");
  /* Any int is a valid argument from C; the library must not read it as its C++ enum (UBSan checks that). */
  CHECK_STR(inlay_status_name((inlay_status)-1), "INLAY_UNKNOWN_STATUS");

  inlay_free(NULL); /* NULL-safe: must simply return */
  CHECK(1);

  /* The first failure sets the message; a later successful call leaves it in place (it is the message for
   * the last *failed* call, valid until the next failing one). dtype_alias_float: Keras 3 rejects "float". */
  d = INLAY_BOOL;
  CHECK_FAILS(inlay_dtype_parse("float", &d), INLAY_INVALID_ARGUMENT, "Invalid dtype: float");
  CHECK(d == INLAY_BOOL);
  CHECK_STATUS(inlay_dtype_parse("float32", &d), INLAY_OK);
  CHECK(d == INLAY_FLOAT32);
  CHECK_STR(inlay_last_error(), "Invalid dtype: float");
  CHECK(inlay_last_error() != NULL);

  json = NULL;
  if (CHECK_STATUS(inlay_runtime_info(&json), INLAY_OK)) {
    CHECK(json != NULL);
    CHECK(json != NULL && json[0] == '{');
    CHECK_CONTAINS(json, "\"engine\":\"cpu\"");
    CHECK_CONTAINS(json, "\"onednn_version\":");
    CHECK_CONTAINS(json, "\"hardware_threads\":");
    inlay_free(json);
  }
}

/* ---------------------------------------------------------------------------------------------------------
 * Data types
 * ------------------------------------------------------------------------------------------------------- */

struct dtype_row {
  inlay_dtype dtype;
  const char *name;
  size_t size;
};

static void test_dtypes(void) {
  /* Canonical Keras names; sizes are the element widths (string: 0, as the header says). */
  static const struct dtype_row rows[] = {
      {INLAY_FLOAT32, "float32", 4},        {INLAY_FLOAT64, "float64", 8},      {INLAY_FLOAT16, "float16", 2},
      {INLAY_BFLOAT16, "bfloat16", 2},      {INLAY_INT8, "int8", 1},            {INLAY_INT16, "int16", 2},
      {INLAY_INT32, "int32", 4},            {INLAY_INT64, "int64", 8},          {INLAY_UINT8, "uint8", 1},
      {INLAY_UINT16, "uint16", 2},          {INLAY_UINT32, "uint32", 4},        {INLAY_UINT64, "uint64", 8},
      {INLAY_BOOL, "bool", 1},              {INLAY_STRING, "string", 0},        {INLAY_FLOAT8_E4M3FN, "float8_e4m3fn", 1},
      {INLAY_FLOAT8_E5M2, "float8_e5m2", 1}, {INLAY_COMPLEX64, "complex64", 8}, {INLAY_COMPLEX128, "complex128", 16},
  };
  size_t i;
  inlay_dtype d;

  CHECK(INLAY_FLOAT32 == 1);
  CHECK(sizeof rows / sizeof rows[0] == 18);
  for (i = 0; i < sizeof rows / sizeof rows[0]; ++i) {
    CHECK((int)rows[i].dtype == (int)i + 1); /* the enum is dense, 1..18 */
    d = (inlay_dtype)0;
    if (CHECK_STATUS(inlay_dtype_parse(rows[i].name, &d), INLAY_OK)) {
      if (!CHECK(d == rows[i].dtype)) printf("    parsing \"%s\" gave %d\n", rows[i].name, (int)d);
    }
    CHECK_STR(inlay_dtype_name(rows[i].dtype), rows[i].name);
    if (!CHECK(inlay_dtype_size(rows[i].dtype) == rows[i].size)) {
      printf("    size of %s: got %lu\n", rows[i].name, (unsigned long)inlay_dtype_size(rows[i].dtype));
    }
  }

  /* dtype_alias_int: Keras maps "int" to int64. */
  d = (inlay_dtype)0;
  CHECK_STATUS(inlay_dtype_parse("int", &d), INLAY_OK);
  CHECK(d == INLAY_INT64);

  /* dtype_bad_name, dtype_uppercase, dtype_empty_string, dtype_alias_double/half: Keras 3's messages. */
  d = INLAY_BOOL;
  CHECK_FAILS(inlay_dtype_parse("foo", &d), INLAY_INVALID_ARGUMENT, "Invalid dtype: foo");
  CHECK(d == INLAY_BOOL);
  CHECK_FAILS(inlay_dtype_parse("Float32", &d), INLAY_INVALID_ARGUMENT, "Invalid dtype: Float32");
  CHECK(d == INLAY_BOOL);
  CHECK_FAILS(inlay_dtype_parse("", &d), INLAY_INVALID_ARGUMENT, "Invalid dtype: ");
  CHECK(d == INLAY_BOOL);
  CHECK_FAILS(inlay_dtype_parse("double", &d), INLAY_INVALID_ARGUMENT, "Invalid dtype: double");
  CHECK_FAILS(inlay_dtype_parse("half", &d), INLAY_INVALID_ARGUMENT, "Invalid dtype: half");
  CHECK(d == INLAY_BOOL);

  /* Values outside the enum. */
  CHECK_STR(inlay_dtype_name((inlay_dtype)0), "unknown");
  CHECK_STR(inlay_dtype_name((inlay_dtype)19), "unknown");
  CHECK_STR(inlay_dtype_name((inlay_dtype)1000), "unknown");
  CHECK(inlay_dtype_size((inlay_dtype)0) == 0);
  CHECK(inlay_dtype_size((inlay_dtype)19) == 0);
  CHECK(inlay_dtype_size((inlay_dtype)1000) == 0);
  CHECK_STR(inlay_dtype_name((inlay_dtype)-1), "unknown");
  CHECK(inlay_dtype_size((inlay_dtype)-1) == 0);
}

/* ---------------------------------------------------------------------------------------------------------
 * Type specs
 * ------------------------------------------------------------------------------------------------------- */

/* to_json, from_json of that, to_json again: the two texts are equal, and the specs compatible both ways. */
static void check_round_trip(const inlay_spec *s, int line) {
  char *first = NULL;
  char *second = NULL;
  inlay_spec *again = NULL;
  if (s == NULL) return;
  if (!check_status_impl(inlay_spec_to_json(s, &first), INLAY_OK, "inlay_spec_to_json", __FILE__, line)) return;
  check_impl(first != NULL, "to_json gave text", __FILE__, line);
  if (check_status_impl(inlay_spec_from_json(first, &again), INLAY_OK, "from_json(to_json(s))", __FILE__, line)) {
    if (check_status_impl(inlay_spec_to_json(again, &second), INLAY_OK, "to_json again", __FILE__, line)) {
      check_str_impl(second, first, "to_json(from_json(to_json(s)))", __FILE__, line);
      inlay_free(second);
    }
    check_impl(inlay_spec_kind_of(again) == inlay_spec_kind_of(s), "round trip keeps the kind", __FILE__, line);
    check_impl(inlay_spec_rank(again) == inlay_spec_rank(s), "round trip keeps the rank", __FILE__, line);
    check_impl(inlay_spec_dtype(again) == inlay_spec_dtype(s), "round trip keeps the dtype", __FILE__, line);
    check_impl(inlay_spec_ragged_rank(again) == inlay_spec_ragged_rank(s), "round trip keeps ragged_rank", __FILE__,
               line);
    check_impl(inlay_spec_is_compatible_with(s, again) == 1, "spec compatible with its round trip", __FILE__, line);
    check_impl(inlay_spec_is_compatible_with(again, s) == 1, "round trip compatible with its spec", __FILE__, line);
    inlay_spec_free(again);
  }
  inlay_free(first);
}
#define CHECK_ROUND_TRIP(s) check_round_trip((s), __LINE__)

/* inlay_spec_from_json that must fail, leaving *out untouched. expected_message NULL: not compared. */
static void spec_fails(const char *json, inlay_status expected_status, const char *expected_message, int line) {
  inlay_spec *out = (inlay_spec *)SENTINEL;
  inlay_status st = inlay_spec_from_json(json, &out);
  if (check_status_impl(st, expected_status, json, __FILE__, line)) {
    if (expected_message != NULL) {
      check_str_impl(inlay_last_error(), expected_message, "inlay_last_error()", __FILE__, line);
    } else {
      check_impl(inlay_last_error()[0] != '\0', "a failure leaves a message", __FILE__, line);
    }
  }
  check_impl(out == (inlay_spec *)SENTINEL, "inlay_spec_from_json left *out untouched on failure", __FILE__, line);
  if (st == INLAY_OK && out != (inlay_spec *)SENTINEL) inlay_spec_free(out); /* an unexpected success */
}
#define SPEC_FAILS(json, status, message) spec_fails((json), (status), (message), __LINE__)

static void test_specs(void) {
  inlay_spec *s;
  inlay_spec *t;
  inlay_spec *u;
  inlay_spec *out;
  char *json;
  inlay_status st;

  /* A named dense spec (spec construct case tensor_named). */
  s = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[null,4],\"dtype\":\"int32\",\"name\":\"ids\"}");
  if (s != NULL) {
    static const int64_t dims[] = {INLAY_DIM_NONE, 4};
    CHECK(inlay_spec_kind_of(s) == INLAY_SPEC_TENSOR);
    CHECK(inlay_spec_rank(s) == 2);
    CHECK(dims_equal(inlay_spec_dims(s), dims, 2));
    CHECK(inlay_spec_dtype(s) == INLAY_INT32);
    CHECK_STR(inlay_spec_name(s), "ids");
    CHECK(inlay_spec_ragged_rank(s) == -1);
    json = NULL;
    if (CHECK_STATUS(inlay_spec_to_json(s, &json), INLAY_OK)) {
      CHECK_CONTAINS(json, "\"kind\":\"tensor\"");
      CHECK_CONTAINS(json, "\"shape\":[null,4]");
      CHECK_CONTAINS(json, "\"dtype\":\"int32\"");
      CHECK_CONTAINS(json, "\"name\":\"ids\"");
      inlay_free(json);
    }
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }

  /* Unnamed, default dtype (tensor_default_dtype): float32, name None. Every field present in to_json. */
  s = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[1]}");
  if (s != NULL) {
    CHECK(inlay_spec_dtype(s) == INLAY_FLOAT32);
    CHECK(inlay_spec_name(s) == NULL);
    CHECK(inlay_spec_rank(s) == 1);
    CHECK(inlay_spec_dims(s) != NULL && inlay_spec_dims(s)[0] == 1);
    json = NULL;
    if (CHECK_STATUS(inlay_spec_to_json(s, &json), INLAY_OK)) {
      CHECK_CONTAINS(json, "\"name\":null");
      inlay_free(json);
    }
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }

  /* Scalar: rank 0, dims NULL (tensor_scalar). */
  s = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[],\"dtype\":\"float32\"}");
  if (s != NULL) {
    CHECK(inlay_spec_rank(s) == 0);
    CHECK(inlay_spec_dims(s) == NULL);
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }

  /* Unknown rank: "shape": null (tensor_unknown_rank) and absent (sparse_default). */
  s = SPEC_OK("{\"kind\":\"tensor\",\"shape\":null,\"dtype\":\"float32\"}");
  if (s != NULL) {
    CHECK(inlay_spec_kind_of(s) == INLAY_SPEC_TENSOR);
    CHECK(inlay_spec_rank(s) == -1);
    CHECK(inlay_spec_dims(s) == NULL);
    json = NULL;
    if (CHECK_STATUS(inlay_spec_to_json(s, &json), INLAY_OK)) {
      CHECK_CONTAINS(json, "\"shape\":null");
      inlay_free(json);
    }
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }
  s = SPEC_OK("{\"kind\":\"sparse\"}");
  if (s != NULL) {
    CHECK(inlay_spec_kind_of(s) == INLAY_SPEC_SPARSE);
    CHECK(inlay_spec_rank(s) == -1);
    CHECK(inlay_spec_dims(s) == NULL);
    CHECK(inlay_spec_dtype(s) == INLAY_FLOAT32);
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }

  /* Sparse (sparse_known): no name, no ragged_rank. */
  s = SPEC_OK("{\"kind\":\"sparse\",\"shape\":[null,10],\"dtype\":\"float32\"}");
  if (s != NULL) {
    static const int64_t dims[] = {INLAY_DIM_NONE, 10};
    CHECK(inlay_spec_kind_of(s) == INLAY_SPEC_SPARSE);
    CHECK(inlay_spec_rank(s) == 2);
    CHECK(dims_equal(inlay_spec_dims(s), dims, 2));
    CHECK(inlay_spec_dtype(s) == INLAY_FLOAT32);
    CHECK(inlay_spec_name(s) == NULL);
    CHECK(inlay_spec_ragged_rank(s) == -1);
    json = NULL;
    if (CHECK_STATUS(inlay_spec_to_json(s, &json), INLAY_OK)) {
      CHECK_CONTAINS(json, "\"kind\":\"sparse\"");
      CHECK_CONTAINS(json, "\"shape\":[null,10]");
      inlay_free(json);
    }
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }

  /* Ragged with the default ragged_rank (ragged_rank_default_known_rank: rank - 1 = 2). */
  s = SPEC_OK("{\"kind\":\"ragged\",\"shape\":[null,null,4],\"dtype\":\"float32\"}");
  if (s != NULL) {
    static const int64_t dims[] = {INLAY_DIM_NONE, INLAY_DIM_NONE, 4};
    CHECK(inlay_spec_kind_of(s) == INLAY_SPEC_RAGGED);
    CHECK(inlay_spec_rank(s) == 3);
    CHECK(dims_equal(inlay_spec_dims(s), dims, 3));
    CHECK(inlay_spec_dtype(s) == INLAY_FLOAT32);
    CHECK(inlay_spec_name(s) == NULL);
    CHECK(inlay_spec_ragged_rank(s) == 2);
    json = NULL;
    if (CHECK_STATUS(inlay_spec_to_json(s, &json), INLAY_OK)) {
      CHECK_CONTAINS(json, "\"kind\":\"ragged\"");
      CHECK_CONTAINS(json, "\"ragged_rank\":2");
      CHECK_CONTAINS(json, "\"row_splits_dtype\":\"int64\"");
      CHECK_CONTAINS(json, "\"flat_values_spec\":null");
      inlay_free(json);
    }
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }

  /* Ragged, explicit ragged_rank and int32 row splits (ragged_row_splits_int32). */
  s = SPEC_OK("{\"kind\":\"ragged\",\"shape\":[null,null],\"dtype\":\"float32\",\"ragged_rank\":1,"
              "\"row_splits_dtype\":\"int32\"}");
  if (s != NULL) {
    CHECK(inlay_spec_ragged_rank(s) == 1);
    json = NULL;
    if (CHECK_STATUS(inlay_spec_to_json(s, &json), INLAY_OK)) {
      CHECK_CONTAINS(json, "\"row_splits_dtype\":\"int32\"");
      inlay_free(json);
    }
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }

  /* Ragged with flat_values_spec (ragged_flat_values_match). */
  s = SPEC_OK("{\"kind\":\"ragged\",\"shape\":[null,null,3],\"dtype\":\"float32\",\"ragged_rank\":1,"
              "\"flat_values_spec\":{\"kind\":\"tensor\",\"shape\":[null,3],\"dtype\":\"float32\"}}");
  if (s != NULL) {
    CHECK(inlay_spec_rank(s) == 3);
    CHECK(inlay_spec_ragged_rank(s) == 1);
    CHECK_ROUND_TRIP(s);
    inlay_spec_free(s);
  }

  /* Keras's serialized form {"class_name": ..., "config": {...}} (header), and tf.keras's json_utils form
   * (spec_cases keras_serialized tensor_named). */
  s = SPEC_OK("{\"class_name\":\"TensorSpec\",\"config\":{\"shape\":[null,32],\"dtype\":\"float32\",\"name\":\"x\"}}");
  if (s != NULL) {
    CHECK(inlay_spec_kind_of(s) == INLAY_SPEC_TENSOR);
    CHECK(inlay_spec_rank(s) == 2);
    CHECK_STR(inlay_spec_name(s), "x");
    inlay_spec_free(s);
  }
  s = SPEC_OK("{\"class_name\":\"RaggedTensorSpec\",\"config\":{\"shape\":[null,null],\"dtype\":\"int32\","
              "\"ragged_rank\":1}}");
  if (s != NULL) {
    CHECK(inlay_spec_kind_of(s) == INLAY_SPEC_RAGGED);
    CHECK(inlay_spec_dtype(s) == INLAY_INT32);
    CHECK(inlay_spec_ragged_rank(s) == 1);
    inlay_spec_free(s);
  }
  s = SPEC_OK("{\"class_name\":\"TypeSpec\",\"type_spec\":\"tf.TensorSpec\",\"serialized\":{\"class_name\":"
              "\"__tuple__\",\"items\":[[null,32],\"float32\",\"x\"]}}");
  if (s != NULL) {
    static const int64_t dims[] = {INLAY_DIM_NONE, 32};
    CHECK(inlay_spec_kind_of(s) == INLAY_SPEC_TENSOR);
    CHECK(dims_equal(inlay_spec_dims(s), dims, 2));
    CHECK_STR(inlay_spec_name(s), "x");
    inlay_spec_free(s);
  }

  /* Malformed JSON, JSON that is not an object, an unknown kind. */
  SPEC_FAILS("{\"kind\":", INLAY_PARSE_ERROR, NULL);
  SPEC_FAILS("", INLAY_PARSE_ERROR, NULL);
  SPEC_FAILS("not json", INLAY_PARSE_ERROR, NULL);
  {
    /* Not an object: the header does not say which status; either INVALID_ARGUMENT or PARSE_ERROR is fine. */
    inlay_spec *o = (inlay_spec *)SENTINEL;
    st = inlay_spec_from_json("[1,2]", &o);
    CHECK(st == INLAY_INVALID_ARGUMENT || st == INLAY_PARSE_ERROR);
    CHECK(inlay_last_error()[0] != '\0');
    CHECK(o == (inlay_spec *)SENTINEL);
    if (st == INLAY_OK) inlay_spec_free(o);
    o = (inlay_spec *)SENTINEL;
    st = inlay_spec_from_json("42", &o);
    CHECK(st == INLAY_INVALID_ARGUMENT || st == INLAY_PARSE_ERROR);
    CHECK(o == (inlay_spec *)SENTINEL);
    if (st == INLAY_OK) inlay_spec_free(o);
  }
  SPEC_FAILS("{\"kind\":\"dense\",\"shape\":[1]}", INLAY_INVALID_ARGUMENT, NULL);
  CHECK_CONTAINS(inlay_last_error(), "dense");

  /* TensorFlow's constructor checks (spec_cases construct). */
  SPEC_FAILS("{\"kind\":\"ragged\",\"shape\":[null,null],\"dtype\":\"float32\",\"ragged_rank\":2}",
             INLAY_INVALID_ARGUMENT, "Argument `ragged_rank` (2) must be less than rank (2).");
  SPEC_FAILS("{\"kind\":\"ragged\",\"shape\":[null,null],\"dtype\":\"float32\",\"ragged_rank\":3}",
             INLAY_INVALID_ARGUMENT, "Argument `ragged_rank` (3) must be less than rank (2).");
  SPEC_FAILS("{\"kind\":\"ragged\",\"shape\":null,\"dtype\":\"float32\"}", INLAY_INVALID_ARGUMENT,
             "Must specify ragged_rank or a shape with a known rank.");
  SPEC_FAILS("{\"kind\":\"ragged\",\"shape\":[null,null,3],\"dtype\":\"float32\",\"ragged_rank\":1,"
             "\"flat_values_spec\":{\"kind\":\"tensor\",\"shape\":[null,3],\"dtype\":\"int32\"}}",
             INLAY_INVALID_ARGUMENT, "dtype must be the same as flat_values_spec.dtype");
  SPEC_FAILS("{\"kind\":\"tensor\",\"shape\":[1],\"dtype\":\"foo\"}", INLAY_INVALID_ARGUMENT,
             "Cannot convert the argument `type_value`: 'foo' to a TensorFlow DType.");
  SPEC_FAILS("{\"kind\":\"tensor\",\"shape\":[-1,3],\"dtype\":\"float32\"}", INLAY_INVALID_ARGUMENT,
             "Dimension -1 must be >= 0");
  SPEC_FAILS("{\"kind\":\"tensor\",\"shape\":[3.0],\"dtype\":\"float32\"}", INLAY_INVALID_ARGUMENT,
             "Dimension value must be integer or None or have an __index__ method, got value '3.0' with type "
             "'<class 'float'>'");

  /* is_compatible_with and most_specific_compatible (spec_cases pairs). */
  s = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[null,3],\"dtype\":\"float32\"}");
  t = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[4,3],\"dtype\":\"float32\"}");
  if (s != NULL && t != NULL) {
    static const int64_t dims[] = {INLAY_DIM_NONE, 3};
    CHECK(inlay_spec_is_compatible_with(s, t) == 1); /* tensor_none_vs_known */
    CHECK(inlay_spec_is_compatible_with(t, s) == 1); /* tensor_known_vs_none */
    CHECK(inlay_spec_is_compatible_with(s, s) == 1);
    out = NULL;
    if (CHECK_STATUS(inlay_spec_most_specific_compatible(s, t, &out), INLAY_OK)) {
      CHECK(out != NULL);
      CHECK(out != s && out != t);
      CHECK(inlay_spec_kind_of(out) == INLAY_SPEC_TENSOR);
      CHECK(inlay_spec_rank(out) == 2);
      CHECK(dims_equal(inlay_spec_dims(out), dims, 2));
      CHECK(inlay_spec_dtype(out) == INLAY_FLOAT32);
      CHECK(inlay_spec_name(out) == NULL);
      inlay_spec_free(out);
    }
  }
  u = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[null,3,1],\"dtype\":\"float32\"}");
  if (s != NULL && u != NULL) {
    CHECK(inlay_spec_is_compatible_with(s, u) == 0); /* tensor_different_rank */
    out = NULL;
    if (CHECK_STATUS(inlay_spec_most_specific_compatible(s, u, &out), INLAY_OK)) {
      CHECK(inlay_spec_rank(out) == -1); /* ranks that differ become an unknown rank */
      CHECK(inlay_spec_dims(out) == NULL);
      inlay_spec_free(out);
    }
  }
  inlay_spec_free(u);
  u = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[5,3],\"dtype\":\"float32\"}");
  if (t != NULL && u != NULL) {
    static const int64_t dims[] = {INLAY_DIM_NONE, 3};
    CHECK(inlay_spec_is_compatible_with(t, u) == 0); /* tensor_conflicting_dims */
    out = NULL;
    if (CHECK_STATUS(inlay_spec_most_specific_compatible(t, u, &out), INLAY_OK)) {
      CHECK(dims_equal(inlay_spec_dims(out), dims, 2));
      inlay_spec_free(out);
    }
  }
  inlay_spec_free(u);
  u = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[null,3],\"dtype\":\"int32\"}");
  if (s != NULL && u != NULL) {
    CHECK(inlay_spec_is_compatible_with(s, u) == 0); /* tensor_dtype_mismatch */
    out = (inlay_spec *)SENTINEL;
    CHECK_FAILS(inlay_spec_most_specific_compatible(s, u, &out), INLAY_INVALID_ARGUMENT,
                "No TypeSpec is compatible with both TensorSpec(shape=(None, 3), dtype=tf.float32, name=None) and "
                "TensorSpec(shape=(None, 3), dtype=tf.int32, name=None)");
    CHECK(out == (inlay_spec *)SENTINEL);
  }
  inlay_spec_free(u);
  u = SPEC_OK("{\"kind\":\"sparse\",\"shape\":[null,3],\"dtype\":\"float32\"}");
  if (s != NULL && u != NULL) {
    CHECK(inlay_spec_is_compatible_with(s, u) == 0); /* tensor_vs_sparse */
    CHECK(inlay_spec_is_compatible_with(u, s) == 0); /* sparse_vs_tensor */
    out = (inlay_spec *)SENTINEL;
    CHECK_FAILS(inlay_spec_most_specific_compatible(s, u, &out), INLAY_INVALID_ARGUMENT,
                "No TypeSpec is compatible with both TensorSpec(shape=(None, 3), dtype=tf.float32, name=None) and "
                "SparseTensorSpec(TensorShape([None, 3]), tf.float32)");
    CHECK(out == (inlay_spec *)SENTINEL);
  }
  inlay_spec_free(u);
  {
    /* ragged_different_ragged_rank */
    inlay_spec *r1 = SPEC_OK("{\"kind\":\"ragged\",\"shape\":[null,null,null],\"dtype\":\"float32\",\"ragged_rank\":1}");
    inlay_spec *r2 = SPEC_OK("{\"kind\":\"ragged\",\"shape\":[null,null,null],\"dtype\":\"float32\",\"ragged_rank\":2}");
    if (r1 != NULL && r2 != NULL) {
      CHECK(inlay_spec_is_compatible_with(r1, r2) == 0);
      CHECK(inlay_spec_is_compatible_with(r1, r1) == 1);
      out = (inlay_spec *)SENTINEL;
      CHECK_FAILS(inlay_spec_most_specific_compatible(r1, r2, &out), INLAY_INVALID_ARGUMENT,
                  "No TypeSpec is compatible with both RaggedTensorSpec(TensorShape([None, None, None]), tf.float32, "
                  "1, tf.int64) and RaggedTensorSpec(TensorShape([None, None, None]), tf.float32, 2, tf.int64)");
      CHECK(out == (inlay_spec *)SENTINEL);
    }
    inlay_spec_free(r1);
    inlay_spec_free(r2);
  }
  CHECK(inlay_spec_is_compatible_with(s, NULL) == 0);
  CHECK(inlay_spec_is_compatible_with(NULL, s) == 0);
  CHECK(inlay_spec_is_compatible_with(NULL, NULL) == 0);
  inlay_spec_free(s);
  inlay_spec_free(t);
  inlay_spec_free(NULL);
  CHECK(1);
}

/* ---------------------------------------------------------------------------------------------------------
 * The graph and Input()
 * ------------------------------------------------------------------------------------------------------- */

static void test_input(void) {
  inlay_graph *g = NULL;
  inlay_graph *other = NULL;
  inlay_tensor *x;
  inlay_tensor *x1;
  inlay_layer *layer;
  char *json;

  if (!CHECK_STATUS(inlay_graph_create(&g), INLAY_OK)) return;
  CHECK(g != NULL);

  /* err_no_shape: NULL and "" both mean {} (no keyword arguments). Failures take no name here (the auto-name
   * sequence after failures is checked on fresh graphs below), so the first successful Input is still
   * checked in a fresh graph. */
  {
    inlay_graph *fresh = NULL;
    if (CHECK_STATUS(inlay_graph_create(&fresh), INLAY_OK)) {
      /* shape_32, then name_auto_sequence_3's second step. */
      static const int64_t dims[] = {INLAY_DIM_NONE, 32};
      x = INPUT_OK(fresh, "{\"shape\":[32]}", NULL, NULL);
      if (x != NULL) {
        const inlay_spec *spec = inlay_tensor_spec(x);
        CHECK(inlay_tensor_rank(x) == 2);
        CHECK(dims_equal(inlay_tensor_dims(x), dims, 2));
        CHECK(inlay_tensor_dtype(x) == INLAY_FLOAT32);
        CHECK_STR(inlay_tensor_name(x), "keras_tensor");
        CHECK(spec != NULL);
        CHECK(inlay_spec_kind_of(spec) == INLAY_SPEC_TENSOR);
        CHECK(inlay_spec_rank(spec) == 2);
        CHECK(dims_equal(inlay_spec_dims(spec), dims, 2));
        CHECK(inlay_spec_dtype(spec) == INLAY_FLOAT32);
        CHECK_STR(inlay_spec_name(spec), "keras_tensor");
        CHECK_ROUND_TRIP(spec);
        layer = inlay_tensor_layer(x);
        CHECK(layer != NULL);
        CHECK_STR(inlay_layer_name(layer), "input_layer");
        CHECK_STR(inlay_layer_class_name(layer), "InputLayer");
        CHECK(inlay_layer_output_count(layer) == 1);
        CHECK(inlay_layer_output(layer, 0) == x);
        CHECK(inlay_layer_output(layer, 1) == NULL);
        CHECK(inlay_layer_output(layer, (size_t)-1) == NULL);
        json = CONFIG_OF(layer);
        if (json != NULL) {
          CHECK_CONTAINS(json, "\"batch_shape\":[null,32]");
          CHECK_CONTAINS(json, "\"dtype\":\"float32\"");
          CHECK_CONTAINS(json, "\"sparse\":false");
          CHECK_CONTAINS(json, "\"ragged\":false");
          CHECK_CONTAINS(json, "\"name\":\"input_layer\"");
          CHECK_CONTAINS(json, "\"optional\":false");
          inlay_free(json);
        }
      }
      x1 = INPUT_OK(fresh, "{\"shape\":[3]}", NULL, NULL);
      if (x1 != NULL) {
        CHECK(x1 != x);
        CHECK_STR(inlay_tensor_name(x1), "keras_tensor_1");
        CHECK_STR(inlay_layer_name(inlay_tensor_layer(x1)), "input_layer_1");
        CHECK(inlay_tensor_layer(x1) != inlay_tensor_layer(x));
      }
      /* name_explicit: the layer and the tensor take the name. */
      x1 = INPUT_OK(fresh, "{\"shape\":[3],\"name\":\"x\"}", NULL, NULL);
      if (x1 != NULL) {
        CHECK_STR(inlay_tensor_name(x1), "x");
        CHECK_STR(inlay_layer_name(inlay_tensor_layer(x1)), "x");
        CHECK_STR(inlay_spec_name(inlay_tensor_spec(x1)), "x");
      }
      inlay_graph_free(fresh);
    }
  }

  INPUT_FAILS(g, NULL, NULL, NULL, INLAY_INVALID_ARGUMENT, "You must pass a `shape` argument.");
  INPUT_FAILS(g, "", NULL, NULL, INLAY_INVALID_ARGUMENT, "You must pass a `shape` argument.");
  INPUT_FAILS(g, "{}", NULL, NULL, INLAY_INVALID_ARGUMENT, "You must pass a `shape` argument.");
  /* err_shape_null_batch_shape_null */
  INPUT_FAILS(g, "{\"shape\":null,\"batch_shape\":null}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "You must pass a `shape` argument.");

  /* Not a JSON object / not JSON at all. */
  INPUT_FAILS(g, "[1]", NULL, NULL, INLAY_PARSE_ERROR, NULL);
  INPUT_FAILS(g, "\"shape\"", NULL, NULL, INLAY_PARSE_ERROR, NULL);
  INPUT_FAILS(g, "{\"shape\":[32]", NULL, NULL, INLAY_PARSE_ERROR, NULL);
  INPUT_FAILS(g, "{shape:[32]}", NULL, NULL, INLAY_PARSE_ERROR, NULL);
  CHECK(inlay_last_error()[0] != '\0');

  /* Keras 3's errors (input_cases): a JSON array is a Python list, quoted as one; the batch shape Keras builds
   * from batch_size and shape is its own tuple. */
  INPUT_FAILS(g, "{\"shape\":[3],\"batch_shape\":[null,3]}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "You cannot pass both `shape` and `batch_shape` at the same time.");
  INPUT_FAILS(g, "{\"batch_size\":2,\"batch_shape\":[2,3]}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "You cannot pass both `batch_size` and `batch_shape` at the same time.");
  INPUT_FAILS(g, "{\"shape\":[-1]}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "Cannot convert '[-1]' to a shape. Negative dimensions are not allowed.");
  INPUT_FAILS(g, "{\"shape\":[3,-2]}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "Cannot convert '[3, -2]' to a shape. Negative dimensions are not allowed.");
  INPUT_FAILS(g, "{\"shape\":[3],\"batch_size\":-1}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "Cannot convert '(-1, 3)' to a shape. Negative dimensions are not allowed.");
  INPUT_FAILS(g, "{\"shape\":[3.0]}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "Cannot convert '[3.0]' to a shape. Found invalid dimension '3.0' of type '<class 'float'>'. ");
  INPUT_FAILS(g, "{\"shape\":[\"3\"]}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "Cannot convert '['3']' to a shape. Found invalid dimension '3' of type '<class 'str'>'. ");
  INPUT_FAILS(g, "{\"shape\":[4],\"dtype\":\"foo\"}", NULL, NULL, INLAY_INVALID_ARGUMENT, "Invalid dtype: foo");
  INPUT_FAILS(g, "{\"shape\":[4],\"dtype\":5}", NULL, NULL, INLAY_INVALID_ARGUMENT, "Invalid dtype: 5");
  INPUT_FAILS(g, "{\"shape\":[3],\"sparse\":true,\"ragged\":true}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "KerasTensor cannot have `sparse=True` and `ragged=True` at the same time.");
  INPUT_FAILS(g, "{\"shape\":[3],\"name\":\"a/b\"}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "Argument `name` must be a string and cannot contain character `/`. Received: name=a/b (of type "
              "<class 'str'>)");
  INPUT_FAILS(g, "{\"shape\":[3],\"name\":5}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "Argument `name` must be a string and cannot contain character `/`. Received: name=5 (of type "
              "<class 'int'>)");
  INPUT_FAILS(g, "{\"shape\":[3],\"foo\":1}", NULL, NULL, INLAY_INVALID_ARGUMENT,
              "Input() got an unexpected keyword argument 'foo'");
  INPUT_FAILS(g, "{\"batch_shape\":32}", NULL, NULL, INLAY_INVALID_ARGUMENT, "Cannot convert '32' to a shape.");

  /* Auto-names after a failure (fail_sparse_ragged_then_auto: the layer name was taken; fail_unknown_kwarg_
   * then_auto: Input() rejected the call before any layer existed). */
  {
    inlay_graph *fresh = NULL;
    if (CHECK_STATUS(inlay_graph_create(&fresh), INLAY_OK)) {
      INPUT_FAILS(fresh, "{\"shape\":[3],\"sparse\":true,\"ragged\":true}", NULL, NULL, INLAY_INVALID_ARGUMENT,
                  "KerasTensor cannot have `sparse=True` and `ragged=True` at the same time.");
      x = INPUT_OK(fresh, "{\"shape\":[3]}", NULL, NULL);
      if (x != NULL) {
        CHECK_STR(inlay_layer_name(inlay_tensor_layer(x)), "input_layer_1");
        CHECK_STR(inlay_tensor_name(x), "keras_tensor");
      }
      inlay_graph_free(fresh);
    }
    fresh = NULL;
    if (CHECK_STATUS(inlay_graph_create(&fresh), INLAY_OK)) {
      INPUT_FAILS(fresh, "{\"shape\":[3],\"foo\":1}", NULL, NULL, INLAY_INVALID_ARGUMENT,
                  "Input() got an unexpected keyword argument 'foo'");
      x = INPUT_OK(fresh, "{\"shape\":[3]}", NULL, NULL);
      if (x != NULL) {
        CHECK_STR(inlay_layer_name(inlay_tensor_layer(x)), "input_layer");
        CHECK_STR(inlay_tensor_name(x), "keras_tensor");
      }
      inlay_graph_free(fresh);
    }
  }

  /* Sparse (sparse_true) and ragged (ragged_none_none_8: ragged_rank 2) inputs; a dtype (dtype_int64). */
  x = INPUT_OK(g, "{\"shape\":[32],\"sparse\":true}", NULL, NULL);
  if (x != NULL) {
    static const int64_t dims[] = {INLAY_DIM_NONE, 32};
    CHECK(inlay_spec_kind_of(inlay_tensor_spec(x)) == INLAY_SPEC_SPARSE);
    CHECK(inlay_spec_name(inlay_tensor_spec(x)) == NULL);
    CHECK(dims_equal(inlay_tensor_dims(x), dims, 2));
    json = CONFIG_OF(inlay_tensor_layer(x));
    if (json != NULL) {
      CHECK_CONTAINS(json, "\"sparse\":true");
      inlay_free(json);
    }
    CHECK_ROUND_TRIP(inlay_tensor_spec(x));
  }
  x = INPUT_OK(g, "{\"shape\":[null,null,8],\"ragged\":true}", NULL, NULL);
  if (x != NULL) {
    static const int64_t dims[] = {INLAY_DIM_NONE, INLAY_DIM_NONE, INLAY_DIM_NONE, 8};
    const inlay_spec *spec = inlay_tensor_spec(x);
    CHECK(inlay_spec_kind_of(spec) == INLAY_SPEC_RAGGED);
    CHECK(inlay_spec_ragged_rank(spec) == 2);
    CHECK(inlay_tensor_rank(x) == 4);
    CHECK(dims_equal(inlay_tensor_dims(x), dims, 4));
    CHECK(inlay_spec_name(spec) == NULL);
    json = CONFIG_OF(inlay_tensor_layer(x));
    if (json != NULL) {
      CHECK_CONTAINS(json, "\"ragged\":true");
      CHECK_CONTAINS(json, "\"batch_shape\":[null,null,null,8]");
      inlay_free(json);
    }
    CHECK_ROUND_TRIP(spec);
  }
  x = INPUT_OK(g, "{\"shape\":[4],\"dtype\":\"int64\",\"batch_size\":16}", NULL, NULL);
  if (x != NULL) {
    static const int64_t dims[] = {16, 4};
    CHECK(inlay_tensor_dtype(x) == INLAY_INT64);
    CHECK(dims_equal(inlay_tensor_dims(x), dims, 2));
  }

  /* The type_spec handle (spec_tensor_named: the layer and the tensor are named after the spec), and its
   * conflict with other arguments (spec_plus_shape, spec_plus_dtype). */
  {
    inlay_spec *spec = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[null,32],\"dtype\":\"float32\",\"name\":\"spec_in\"}");
    if (spec != NULL) {
      static const int64_t dims[] = {INLAY_DIM_NONE, 32};
      x = INPUT_OK(g, NULL, spec, NULL);
      if (x != NULL) {
        CHECK(inlay_tensor_rank(x) == 2);
        CHECK(dims_equal(inlay_tensor_dims(x), dims, 2));
        CHECK(inlay_tensor_dtype(x) == INLAY_FLOAT32);
        CHECK_STR(inlay_tensor_name(x), "spec_in");
        CHECK_STR(inlay_layer_name(inlay_tensor_layer(x)), "spec_in");
        CHECK(inlay_tensor_spec(x) != spec); /* the graph keeps its own copy */
        CHECK(inlay_spec_is_compatible_with(inlay_tensor_spec(x), spec) == 1);
      }
      INPUT_FAILS(g, "{\"shape\":[32]}", spec, NULL, INLAY_INVALID_ARGUMENT,
                  "When `type_spec` is not None, all other args except `name` must be None, but (input_)shape is "
                  "not None.");
      INPUT_FAILS(g, "{\"dtype\":\"float32\"}", spec, NULL, INLAY_INVALID_ARGUMENT,
                  "When `type_spec` is not None, all other args except `name` must be None, but dtype is not None.");
      inlay_spec_free(spec);
      /* The graph does not borrow the caller's spec: the tensor outlives it. */
      if (x != NULL) {
        CHECK(inlay_spec_rank(inlay_tensor_spec(x)) == 2);
        CHECK_STR(inlay_spec_name(inlay_tensor_spec(x)), "spec_in");
      }
    }
    spec = SPEC_OK("{\"kind\":\"ragged\",\"shape\":[null,null],\"dtype\":\"float32\",\"ragged_rank\":1}");
    if (spec != NULL) {
      x = INPUT_OK(g, "", spec, NULL);
      if (x != NULL) {
        CHECK(inlay_spec_kind_of(inlay_tensor_spec(x)) == INLAY_SPEC_RAGGED);
        CHECK(inlay_spec_ragged_rank(inlay_tensor_spec(x)) == 1);
      }
      inlay_spec_free(spec);
    }
    /* type_spec inside the keyword arguments (spec_sparse). */
    x = INPUT_OK(g, "{\"type_spec\":{\"kind\":\"sparse\",\"shape\":[null,10],\"dtype\":\"float32\"}}", NULL, NULL);
    if (x != NULL) {
      static const int64_t dims[] = {INLAY_DIM_NONE, 10};
      CHECK(inlay_spec_kind_of(inlay_tensor_spec(x)) == INLAY_SPEC_SPARSE);
      CHECK(dims_equal(inlay_tensor_dims(x), dims, 2));
    }
  }

  /* The tensor argument (tensor_wrap): the same handle comes back, now produced by the new InputLayer. */
  {
    inlay_graph *fresh = NULL;
    if (CHECK_STATUS(inlay_graph_create(&fresh), INLAY_OK)) {
      inlay_tensor *base = INPUT_OK(fresh, "{\"shape\":[32]}", NULL, NULL);
      if (base != NULL) {
        inlay_layer *first = inlay_tensor_layer(base);
        static const int64_t dims[] = {INLAY_DIM_NONE, 32};
        x = INPUT_OK(fresh, NULL, NULL, base);
        if (x != NULL) {
          CHECK(x == base);
          CHECK_STR(inlay_tensor_name(x), "keras_tensor");
          CHECK(dims_equal(inlay_tensor_dims(x), dims, 2));
          layer = inlay_tensor_layer(x);
          CHECK(layer != NULL && layer != first);
          CHECK_STR(inlay_layer_name(layer), "input_layer_1");
          CHECK_STR(inlay_layer_class_name(layer), "InputLayer");
          CHECK(inlay_layer_output_count(layer) == 1);
          CHECK(inlay_layer_output(layer, 0) == base);
          json = CONFIG_OF(layer);
          if (json != NULL) {
            CHECK_CONTAINS(json, "\"batch_shape\":[null,32]");
            CHECK_CONTAINS(json, "\"name\":\"input_layer_1\"");
            inlay_free(json);
          }
          /* The first layer still lists the tensor as its output. */
          CHECK(inlay_layer_output(first, 0) == base);
          CHECK_STR(inlay_layer_name(first), "input_layer");
        }
        /* tensor_wrap_named, then the Keras errors for incompatible arguments. */
        x = INPUT_OK(fresh, "{\"name\":\"wrapped\"}", NULL, base);
        if (x != NULL) {
          CHECK(x == base);
          CHECK_STR(inlay_layer_name(inlay_tensor_layer(base)), "wrapped");
        }
        INPUT_FAILS(fresh, "{\"shape\":[16]}", NULL, base, INLAY_INVALID_ARGUMENT,
                    "When providing the `input_tensor` argument, you cannot provide an incompatible `shape` "
                    "argument.");
        INPUT_FAILS(fresh, "{\"dtype\":\"int32\"}", NULL, base, INLAY_INVALID_ARGUMENT,
                    "When providing the `input_tensor` argument, you cannot provide an incompatible `dtype` "
                    "argument.");
        INPUT_FAILS(fresh, "{\"batch_size\":4}", NULL, base, INLAY_INVALID_ARGUMENT,
                    "When providing the `input_tensor` argument, you cannot provide an incompatible `batch_size` "
                    "argument.");
        /* A tensor of another graph. */
        if (CHECK_STATUS(inlay_graph_create(&other), INLAY_OK)) {
          INPUT_FAILS(other, NULL, NULL, base, INLAY_INVALID_ARGUMENT, NULL);
          CHECK(inlay_last_error()[0] != '\0');
          INPUT_FAILS(other, "{}", NULL, base, INLAY_INVALID_ARGUMENT, NULL);
          /* The wrapped tensor is unchanged by the failed calls. */
          CHECK_STR(inlay_layer_name(inlay_tensor_layer(base)), "wrapped");
          inlay_graph_free(other);
          other = NULL;
        }
      }
      inlay_graph_free(fresh);
    }
  }

  inlay_graph_free(g);
  inlay_graph_free(NULL);
  CHECK(1);
}

/* ---------------------------------------------------------------------------------------------------------
 * Layers by class name and config
 * ------------------------------------------------------------------------------------------------------- */

static void test_layers(void) {
  inlay_graph *g = NULL;
  inlay_layer *layer;
  inlay_tensor *x;
  char *json;

  if (!CHECK_STATUS(inlay_graph_create(&g), INLAY_OK)) return;

  /* config_tf2_legacy: tf.keras 2's config, rebuilt as Keras 3 does. */
  layer = NULL;
  if (CHECK_STATUS(inlay_layer_create(g, "InputLayer",
                                      "{\"batch_input_shape\":[null,32],\"dtype\":\"float32\",\"sparse\":false,"
                                      "\"ragged\":false,\"name\":\"input_1\"}",
                                      &layer),
                   INLAY_OK)) {
    static const int64_t dims[] = {INLAY_DIM_NONE, 32};
    CHECK(layer != NULL);
    CHECK_STR(inlay_layer_name(layer), "input_1");
    CHECK_STR(inlay_layer_class_name(layer), "InputLayer");
    CHECK(inlay_layer_output_count(layer) == 1);
    x = inlay_layer_output(layer, 0);
    CHECK(x != NULL);
    CHECK(inlay_layer_output(layer, 1) == NULL);
    if (x != NULL) {
      CHECK_STR(inlay_tensor_name(x), "input_1");
      CHECK(inlay_tensor_rank(x) == 2);
      CHECK(dims_equal(inlay_tensor_dims(x), dims, 2));
      CHECK(inlay_tensor_dtype(x) == INLAY_FLOAT32);
      CHECK(inlay_tensor_layer(x) == layer);
    }
    json = CONFIG_OF(layer);
    if (json != NULL) {
      CHECK_CONTAINS(json, "\"batch_shape\":[null,32]");
      CHECK_CONTAINS(json, "\"dtype\":\"float32\"");
      CHECK_CONTAINS(json, "\"sparse\":false");
      CHECK_CONTAINS(json, "\"ragged\":false");
      CHECK_CONTAINS(json, "\"name\":\"input_1\"");
      CHECK_CONTAINS(json, "\"optional\":false");
      inlay_free(json);
    }
  }

  /* Keras 3's config (inputlayer_batch_shape; auto-named in this graph: "input_1" is not an auto-name). */
  layer = NULL;
  if (CHECK_STATUS(inlay_layer_create(g, "InputLayer", "{\"batch_shape\":[4,32]}", &layer), INLAY_OK)) {
    static const int64_t dims[] = {4, 32};
    CHECK_STR(inlay_layer_name(layer), "input_layer");
    x = inlay_layer_output(layer, 0);
    CHECK(dims_equal(inlay_tensor_dims(x), dims, 2));
    CHECK_STR(inlay_tensor_name(x), "keras_tensor");
  }
  /* inputlayer_input_shape_batch_size: input_shape (3,), batch_size 2. */
  layer = NULL;
  if (CHECK_STATUS(inlay_layer_create(g, "InputLayer", "{\"input_shape\":[3],\"batch_size\":2}", &layer), INLAY_OK)) {
    static const int64_t dims[] = {2, 3};
    CHECK(dims_equal(inlay_tensor_dims(inlay_layer_output(layer, 0)), dims, 2));
  }
  /* config_tf2_legacy_ragged: string ragged tokens. */
  layer = NULL;
  if (CHECK_STATUS(inlay_layer_create(g, "InputLayer",
                                      "{\"batch_input_shape\":[null,null],\"dtype\":\"string\",\"sparse\":false,"
                                      "\"ragged\":true,\"name\":\"tokens\"}",
                                      &layer),
                   INLAY_OK)) {
    x = inlay_layer_output(layer, 0);
    CHECK(inlay_tensor_dtype(x) == INLAY_STRING);
    CHECK(inlay_spec_kind_of(inlay_tensor_spec(x)) == INLAY_SPEC_RAGGED);
    CHECK_STR(inlay_layer_name(layer), "tokens");
  }

  /* Errors. */
  LAYER_FAILS(g, "NotALayer", "{\"units\":3}", INLAY_UNSUPPORTED, NULL);
  CHECK_CONTAINS(inlay_last_error(), "NotALayer");
  CHECK_CONTAINS(inlay_last_error(), "InputLayer"); /* the message lists the known classes */
  LAYER_FAILS(g, "", "{}", INLAY_UNSUPPORTED, NULL);
  LAYER_FAILS(g, "InputLayer", "{}", INLAY_INVALID_ARGUMENT, "You must pass a `shape` argument.");
  LAYER_FAILS(g, "InputLayer", "", INLAY_INVALID_ARGUMENT, "You must pass a `shape` argument.");
  LAYER_FAILS(g, "InputLayer", "{\"batch_input_shape\":[null,3],\"foo\":1}", INLAY_INVALID_ARGUMENT,
              "Unrecognized keyword arguments: ['foo']");
  LAYER_FAILS(g, "InputLayer", "{\"shape\":[2],\"dtype\":\"foo\"}", INLAY_INVALID_ARGUMENT, "Invalid dtype: foo");
  LAYER_FAILS(g, "InputLayer", "{\"shape\":[3],\"sparse\":true,\"ragged\":true}", INLAY_INVALID_ARGUMENT,
              "KerasTensor cannot have `sparse=True` and `ragged=True` at the same time.");
  LAYER_FAILS(g, "InputLayer", "{\"input_shape\":[32],\"batch_input_shape\":[null,32]}", INLAY_INVALID_ARGUMENT,
              "You cannot pass both `shape` and `batch_shape` at the same time.");
  LAYER_FAILS(g, "InputLayer", "{\"batch_shape\":", INLAY_PARSE_ERROR, NULL);
  {
    /* Not an object: PARSE_ERROR as inlay_input's kwargs (the header is silent; INVALID_ARGUMENT tolerated). */
    inlay_layer *o = (inlay_layer *)SENTINEL;
    inlay_status st = inlay_layer_create(g, "InputLayer", "[1]", &o);
    CHECK(st == INLAY_PARSE_ERROR || st == INLAY_INVALID_ARGUMENT);
    CHECK(o == (inlay_layer *)SENTINEL);
  }

  inlay_graph_free(g);
}

/* ---------------------------------------------------------------------------------------------------------
 * NULL for every pointer argument
 * ------------------------------------------------------------------------------------------------------- */

static void test_null_arguments(void) {
  inlay_graph *g = NULL;
  inlay_spec *spec;
  inlay_spec *out_spec;
  inlay_tensor *out_tensor;
  inlay_layer *out_layer;
  inlay_layer *layer = NULL;
  inlay_tensor *x;
  inlay_dtype d;
  char *text;

  /* inlay_runtime_info */
  CHECK_NULL_ARG(inlay_runtime_info(NULL), "inlay_runtime_info", "json_out");

  /* inlay_dtype_parse */
  d = INLAY_BOOL;
  CHECK_NULL_ARG(inlay_dtype_parse(NULL, &d), "inlay_dtype_parse", "name");
  CHECK(d == INLAY_BOOL);
  CHECK_NULL_ARG(inlay_dtype_parse("float32", NULL), "inlay_dtype_parse", "out");
  CHECK_NULL_ARG(inlay_dtype_parse(NULL, NULL), "inlay_dtype_parse", "name");

  /* inlay_spec_from_json / to_json / most_specific_compatible */
  out_spec = (inlay_spec *)SENTINEL;
  CHECK_NULL_ARG(inlay_spec_from_json(NULL, &out_spec), "inlay_spec_from_json", "json");
  CHECK(out_spec == (inlay_spec *)SENTINEL);
  CHECK_NULL_ARG(inlay_spec_from_json("{\"kind\":\"tensor\",\"shape\":[1]}", NULL), "inlay_spec_from_json", "out");
  spec = SPEC_OK("{\"kind\":\"tensor\",\"shape\":[null,3],\"dtype\":\"float32\"}");
  text = (char *)SENTINEL;
  CHECK_NULL_ARG(inlay_spec_to_json(NULL, &text), "inlay_spec_to_json", "s");
  CHECK(text == (char *)SENTINEL);
  if (spec != NULL) {
    CHECK_NULL_ARG(inlay_spec_to_json(spec, NULL), "inlay_spec_to_json", "out");
    out_spec = (inlay_spec *)SENTINEL;
    CHECK_NULL_ARG(inlay_spec_most_specific_compatible(NULL, spec, &out_spec), "inlay_spec_most_specific_compatible",
                   "a");
    CHECK(out_spec == (inlay_spec *)SENTINEL);
    CHECK_NULL_ARG(inlay_spec_most_specific_compatible(spec, NULL, &out_spec), "inlay_spec_most_specific_compatible",
                   "b");
    CHECK(out_spec == (inlay_spec *)SENTINEL);
    CHECK_NULL_ARG(inlay_spec_most_specific_compatible(spec, spec, NULL), "inlay_spec_most_specific_compatible",
                   "out");
    CHECK(inlay_spec_is_compatible_with(spec, NULL) == 0);
    CHECK(inlay_spec_is_compatible_with(NULL, spec) == 0);
  }

  /* Spec accessors on NULL. */
  CHECK(inlay_spec_kind_of(NULL) == (inlay_spec_kind)0);
  CHECK(inlay_spec_rank(NULL) == -1);
  CHECK(inlay_spec_dims(NULL) == NULL);
  CHECK(inlay_spec_dtype(NULL) == (inlay_dtype)0);
  CHECK(inlay_spec_name(NULL) == NULL);
  CHECK(inlay_spec_ragged_rank(NULL) == -1);
  CHECK(inlay_spec_is_compatible_with(NULL, NULL) == 0);
  inlay_spec_free(NULL);

  /* inlay_graph_create */
  CHECK_NULL_ARG(inlay_graph_create(NULL), "inlay_graph_create", "out");
  inlay_graph_free(NULL);

  if (!CHECK_STATUS(inlay_graph_create(&g), INLAY_OK)) {
    inlay_spec_free(spec);
    return;
  }
  /* inlay_input: g and out must not be NULL; kwargs_json, type_spec and tensor may be. */
  out_tensor = (inlay_tensor *)SENTINEL;
  CHECK_NULL_ARG(inlay_input(NULL, "{\"shape\":[3]}", NULL, NULL, &out_tensor), "inlay_input", "g");
  CHECK(out_tensor == (inlay_tensor *)SENTINEL);
  CHECK_NULL_ARG(inlay_input(g, "{\"shape\":[3]}", NULL, NULL, NULL), "inlay_input", "out");
  CHECK_NULL_ARG(inlay_input(NULL, "{\"shape\":[3]}", spec, NULL, NULL), "inlay_input", "g");

  /* inlay_layer_create: g, class_name and out must not be NULL. */
  out_layer = (inlay_layer *)SENTINEL;
  CHECK_NULL_ARG(inlay_layer_create(NULL, "InputLayer", "{\"shape\":[3]}", &out_layer), "inlay_layer_create", "g");
  CHECK(out_layer == (inlay_layer *)SENTINEL);
  CHECK_NULL_ARG(inlay_layer_create(g, NULL, "{\"shape\":[3]}", &out_layer), "inlay_layer_create", "class_name");
  CHECK(out_layer == (inlay_layer *)SENTINEL);
  CHECK_NULL_ARG(inlay_layer_create(g, "InputLayer", "{\"shape\":[3]}", NULL), "inlay_layer_create", "out");
  {
    /* config_json NULL: the header does not say NULL means {} here (it does for inlay_input). Accept either
     * a NULL-argument error naming config_json, or {} (Keras's "You must pass a `shape` argument."). Either
     * way, INLAY_INVALID_ARGUMENT and *out untouched. */
    inlay_status st;
    out_layer = (inlay_layer *)SENTINEL;
    st = inlay_layer_create(g, "InputLayer", NULL, &out_layer);
    CHECK_STATUS(st, INLAY_INVALID_ARGUMENT);
    CHECK(mentions_word(inlay_last_error(), "config_json") ||
          strcmp(inlay_last_error(), "You must pass a `shape` argument.") == 0);
    CHECK(out_layer == (inlay_layer *)SENTINEL);
  }

  /* inlay_layer_get_config */
  text = (char *)SENTINEL;
  CHECK_NULL_ARG(inlay_layer_get_config(NULL, &text), "inlay_layer_get_config", "l");
  CHECK(text == (char *)SENTINEL);
  x = INPUT_OK(g, "{\"shape\":[3]}", NULL, NULL);
  layer = inlay_tensor_layer(x);
  if (layer != NULL) {
    CHECK_NULL_ARG(inlay_layer_get_config(layer, NULL), "inlay_layer_get_config", "json_out");
  }

  /* Tensor and layer accessors on NULL. */
  CHECK(inlay_tensor_rank(NULL) == -1);
  CHECK(inlay_tensor_dims(NULL) == NULL);
  CHECK(inlay_tensor_dtype(NULL) == (inlay_dtype)0);
  CHECK(inlay_tensor_name(NULL) == NULL);
  CHECK(inlay_tensor_spec(NULL) == NULL);
  CHECK(inlay_tensor_layer(NULL) == NULL);
  CHECK(inlay_layer_name(NULL) == NULL);
  CHECK(inlay_layer_class_name(NULL) == NULL);
  CHECK(inlay_layer_output_count(NULL) == 0);
  CHECK(inlay_layer_output(NULL, 0) == NULL);
  CHECK(inlay_layer_output(NULL, 1) == NULL);

  /* The NULL-argument failures did not touch the graph: the next auto-names are the second ones. */
  x = INPUT_OK(g, "{\"shape\":[3]}", NULL, NULL);
  if (x != NULL) CHECK_STR(inlay_tensor_name(x), "keras_tensor_1");

  inlay_graph_free(g);
  inlay_spec_free(spec);
}

/* Layer calls and models: the calls, their NULL arguments, and a model outliving its graph. */
static void test_models(void) {
  inlay_graph *g = NULL;
  inlay_tensor *x = NULL, *y = NULL, *outs[2];
  inlay_layer *dense = NULL, *input_layer;
  inlay_model *m = NULL;
  size_t n = 0;
  const char *path = NULL;
  int rank = 0;
  const int64_t *dims = NULL;
  float values[6] = {0, 1, 2, 3, 4, 5};
  char *text = NULL;

  if (!CHECK_STATUS(inlay_graph_create(&g), INLAY_OK)) return;
  CHECK_STATUS(inlay_input(g, "{\"shape\":[2],\"name\":\"x\"}", NULL, NULL, &x), INLAY_OK);
  CHECK_STATUS(inlay_layer_create(g, "Dense", "{\"units\":3,\"activation\":\"relu\"}", &dense), INLAY_OK);
  if (x == NULL || dense == NULL) {
    inlay_graph_free(g);
    return;
  }

  /* inlay_layer_call: NULLs, capacity, then a real call. */
  CHECK_NULL_ARG(inlay_layer_call(NULL, &x, 1, outs, 2, &n), "inlay_layer_call", "l");
  CHECK_NULL_ARG(inlay_layer_call(dense, NULL, 1, outs, 2, &n), "inlay_layer_call", "inputs");
  CHECK_NULL_ARG(inlay_layer_call(dense, &x, 1, NULL, 2, &n), "inlay_layer_call", "outputs");
  CHECK_NULL_ARG(inlay_layer_call(dense, &x, 1, outs, 2, NULL), "inlay_layer_call", "n_outputs");
  CHECK_STATUS(inlay_layer_call(dense, &x, 1, outs, 0, &n), INLAY_INVALID_ARGUMENT);
  CHECK(inlay_layer_output_count(dense) == 0); /* nothing was called */
  if (CHECK_STATUS(inlay_layer_call(dense, &x, 1, outs, 2, &n), INLAY_OK)) {
    y = outs[0];
    CHECK(n == 1);
    CHECK(inlay_tensor_rank(y) == 2);
    CHECK(inlay_tensor_dims(y)[0] == INLAY_DIM_NONE && inlay_tensor_dims(y)[1] == 3);
    CHECK(inlay_tensor_layer(y) == dense);
  }
  /* Keras's InputSpec error once built for a last axis of 2 (hand-derived from the message format). */
  {
    inlay_tensor *z = NULL;
    CHECK_STATUS(inlay_input(g, "{\"shape\":[5]}", NULL, NULL, &z), INLAY_OK);
    if (z != NULL) {
      CHECK_FAILS(inlay_layer_call(dense, &z, 1, outs, 2, &n), INLAY_INVALID_ARGUMENT,
                  "Input 0 with name 'None' of layer 'dense' is incompatible with the layer: expected axis -1 of "
                  "input shape to have value 2, but received input with shape (None, 5)");
    }
  }
  if (y == NULL) {
    inlay_graph_free(g);
    return;
  }

  /* inlay_model_create: NULLs, then a model that outlives the graph. */
  CHECK_NULL_ARG(inlay_model_create(NULL, &x, 1, &y, 1, NULL, &m), "inlay_model_create", "g");
  CHECK_NULL_ARG(inlay_model_create(g, NULL, 1, &y, 1, NULL, &m), "inlay_model_create", "inputs");
  CHECK_NULL_ARG(inlay_model_create(g, &x, 1, NULL, 1, NULL, &m), "inlay_model_create", "outputs");
  CHECK_NULL_ARG(inlay_model_create(g, &x, 1, &y, 1, NULL, NULL), "inlay_model_create", "out");
  CHECK_STATUS(inlay_model_create(g, &y, 1, &y, 1, NULL, &m), INLAY_INVALID_ARGUMENT); /* y is no Input */
  CHECK_CONTAINS(inlay_last_error(), "not by an InputLayer");
  if (!CHECK_STATUS(inlay_model_create(g, &x, 1, &y, 1, NULL, &m), INLAY_OK)) {
    inlay_graph_free(g);
    return;
  }
  inlay_graph_free(g);
  CHECK_STR(inlay_model_name(m), "functional");
  CHECK(inlay_model_input_count(m) == 1 && inlay_model_output_count(m) == 1);
  CHECK(inlay_model_input(m, 0) == x && inlay_model_output(m, 0) == y);
  CHECK(inlay_model_input(m, 1) == NULL && inlay_model_output(m, 1) == NULL);
  CHECK(inlay_model_layer_count(m) == 2);
  input_layer = inlay_model_layer(m, 0);
  CHECK_STR(inlay_layer_class_name(input_layer), "InputLayer");
  CHECK(inlay_model_layer(m, 2) == NULL);

  /* Weights: kernel (2, 3) then bias (3,). */
  CHECK(inlay_model_weight_count(m) == 2);
  if (CHECK_STATUS(inlay_model_weight_info(m, 0, &path, &rank, &dims), INLAY_OK)) {
    CHECK_STR(path, "dense/kernel");
    CHECK(rank == 2 && dims[0] == 2 && dims[1] == 3);
  }
  CHECK_STATUS(inlay_model_weight_info(m, 1, NULL, NULL, NULL), INLAY_OK);
  CHECK_STATUS(inlay_model_weight_info(m, 2, &path, &rank, &dims), INLAY_NOT_FOUND);
  CHECK_NULL_ARG(inlay_model_weight_info(NULL, 0, &path, &rank, &dims), "inlay_model_weight_info", "m");
  CHECK_STATUS(inlay_model_set_weight(m, 0, values, 6), INLAY_OK);
  CHECK_STATUS(inlay_model_set_weight(m, 0, values, 7), INLAY_SHAPE_MISMATCH);
  CHECK_NULL_ARG(inlay_model_set_weight(m, 0, NULL, 6), "inlay_model_set_weight", "data");
  CHECK_NULL_ARG(inlay_model_set_weight(NULL, 0, values, 6), "inlay_model_set_weight", "m");
  CHECK_NULL_ARG(inlay_model_get_weight(NULL, 0, values, 6), "inlay_model_get_weight", "m");
  CHECK_NULL_ARG(inlay_model_get_weight(m, 0, NULL, 6), "inlay_model_get_weight", "data");

  /* JSON out and back in. */
  CHECK_NULL_ARG(inlay_model_to_json(NULL, &text), "inlay_model_to_json", "m");
  CHECK_NULL_ARG(inlay_model_to_json(m, NULL), "inlay_model_to_json", "json_out");
  if (CHECK_STATUS(inlay_model_to_json(m, &text), INLAY_OK)) {
    inlay_model *again = NULL;
    CHECK_CONTAINS(text, "\"class_name\": \"Functional\"");
    if (CHECK_STATUS(inlay_model_from_json(text, &again), INLAY_OK)) {
      CHECK(inlay_model_weight_count(again) == 2);
      inlay_model_free(again);
    }
    inlay_free(text);
  }
  CHECK_NULL_ARG(inlay_model_from_json(NULL, &m), "inlay_model_from_json", "json");
  CHECK_NULL_ARG(inlay_model_from_json("{}", NULL), "inlay_model_from_json", "out");
  {
    inlay_model *bad = NULL;
    CHECK_STATUS(inlay_model_from_json("{not json", &bad), INLAY_PARSE_ERROR);
    CHECK_STATUS(inlay_model_from_json("{\"class_name\":\"Sequential\"}", &bad), INLAY_PARSE_ERROR);
    CHECK_STATUS(inlay_model_from_json("{\"class_name\":\"Foo\",\"config\":{}}", &bad), INLAY_UNSUPPORTED);
    CHECK(bad == NULL);
  }

  /* Summary: Keras's table, here with a Dense of 2 * 3 + 3 = 9 parameters. */
  CHECK_NULL_ARG(inlay_model_summary(NULL, &text), "inlay_model_summary", "m");
  CHECK_NULL_ARG(inlay_model_summary(m, NULL), "inlay_model_summary", "text_out");
  if (CHECK_STATUS(inlay_model_summary(m, &text), INLAY_OK)) {
    CHECK_CONTAINS(text, "Model: \"functional\"");
    CHECK_CONTAINS(text, "Total params: 9 (36.00 B)");
    inlay_free(text);
  }
  /* inlay_model_load: NULLs and a missing file. */
  CHECK_NULL_ARG(inlay_model_load(NULL, &m), "inlay_model_load", "path");
  CHECK_NULL_ARG(inlay_model_load("model.keras", NULL), "inlay_model_load", "out");
  {
    inlay_model *missing = NULL;
    CHECK_STATUS(inlay_model_load("/nonexistent/dir/model.keras", &missing), INLAY_IO_ERROR);
    CHECK(missing == NULL);
  }

  /* NULL-safe accessors. */
  CHECK(inlay_model_name(NULL) == NULL);
  CHECK(inlay_model_input_count(NULL) == 0 && inlay_model_output_count(NULL) == 0);
  CHECK(inlay_model_input(NULL, 0) == NULL && inlay_model_output(NULL, 0) == NULL);
  CHECK(inlay_model_layer_count(NULL) == 0 && inlay_model_layer(NULL, 0) == NULL);
  CHECK(inlay_model_weight_count(NULL) == 0);
  inlay_model_free(NULL);
  inlay_model_free(m);
}

/* ---------------------------------------------------------------------------------------------------------
 * Concrete arrays
 * ------------------------------------------------------------------------------------------------------- */

/* An inlay_array_* constructor that must fail: the status, a message naming the function (and needle when
 * not NULL), and *out (pre-set to SENTINEL) untouched. An unexpected success is freed. */
static void array_fails_impl(inlay_status st, inlay_array *out, inlay_status expected_status, const char *function,
                             const char *needle, const char *what, int line) {
  if (check_status_impl(st, expected_status, what, __FILE__, line)) {
    check_contains_impl(inlay_last_error(), function, "inlay_last_error() names the function", __FILE__, line);
    if (needle != NULL) check_contains_impl(inlay_last_error(), needle, "inlay_last_error()", __FILE__, line);
  }
  check_impl(out == (inlay_array *)SENTINEL, "*out left untouched on failure", __FILE__, line);
  if (st == INLAY_OK && out != (inlay_array *)SENTINEL) inlay_array_free(out);
}

/* out must be a variable of type inlay_array *; call is evaluated once, after out is set to SENTINEL. */
#define ARRAY_FAILS(out, call, status, function, needle)                                         \
  do {                                                                                           \
    inlay_status array_fails_st_;                                                                \
    (out) = (inlay_array *)SENTINEL;                                                             \
    array_fails_st_ = (call);                                                                    \
    array_fails_impl(array_fails_st_, (out), (status), (function), (needle), #call, __LINE__);   \
  } while (0)

/* A NULL-argument failure of an inlay_array_* constructor: as CHECK_NULL_ARG, and *out untouched. */
#define ARRAY_NULL_ARG(out, call, function, argument)         \
  do {                                                        \
    (out) = (inlay_array *)SENTINEL;                          \
    CHECK_NULL_ARG(call, function, argument);                 \
    CHECK((out) == (inlay_array *)SENTINEL);                  \
  } while (0)

static int all_zero_bytes(const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  size_t i;
  if (p == NULL && n > 0) return 0;
  for (i = 0; i < n; ++i) {
    if (b[i] != 0) return 0;
  }
  return 1;
}

/* The accessors of a kind other than a's give NULL. */
static void check_other_kind_accessors(const inlay_array *a, inlay_array_kind kind, int line) {
  size_t n = 0;
  int r = 0;
  if (kind != INLAY_ARRAY_RAGGED) {
    check_impl(inlay_array_row_splits(a, &n) == NULL, "row_splits NULL for a non-ragged array", __FILE__, line);
    check_impl(inlay_array_row_splits(a, NULL) == NULL, "row_splits NULL for a non-ragged array", __FILE__, line);
    check_impl(inlay_array_flat_dims(a, &r) == NULL, "flat_dims NULL for a non-ragged array", __FILE__, line);
  }
  if (kind != INLAY_ARRAY_SPARSE) {
    check_impl(inlay_array_sparse_indices(a, &n) == NULL, "sparse_indices NULL for a non-sparse array", __FILE__,
               line);
    check_impl(inlay_array_sparse_indices(a, NULL) == NULL, "sparse_indices NULL for a non-sparse array", __FILE__,
               line);
  }
}

static void test_arrays(void) {
  static const int64_t dims23[] = {2, 3};
  static const int64_t negative[] = {2, -1};
  static const int64_t none_dim[] = {INLAY_DIM_NONE, 3};
  static const int64_t empty03[] = {0, 3};
  static const int64_t huge[] = {(int64_t)1 << 40, (int64_t)1 << 40};
  static const int64_t ones9[] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  static const int64_t dims3[] = {3};
  inlay_array *a = NULL;
  inlay_array *out;
  float buffer[6] = {1, 2, 3, 4, 5, 6};

  /* inlay_array_create: an owned, zero-filled dense array. */
  if (CHECK_STATUS(inlay_array_create(INLAY_FLOAT32, dims23, 2, &a), INLAY_OK)) {
    CHECK(a != NULL);
    CHECK(inlay_array_kind_of(a) == INLAY_ARRAY_DENSE);
    CHECK(inlay_array_rank(a) == 2);
    CHECK(dims_equal(inlay_array_dims(a), dims23, 2));
    CHECK(inlay_array_dims(a) != dims23); /* copied */
    CHECK(inlay_array_dtype(a) == INLAY_FLOAT32);
    CHECK(inlay_array_element_count(a) == 6);
    CHECK(inlay_array_data(a) != NULL);
    CHECK(all_zero_bytes(inlay_array_data(a), 6 * sizeof(float)));
    check_other_kind_accessors(a, INLAY_ARRAY_DENSE, __LINE__);
    inlay_array_free(a);
  }
  a = NULL;
  if (CHECK_STATUS(inlay_array_create(INLAY_INT64, dims3, 1, &a), INLAY_OK)) {
    CHECK(inlay_array_dtype(a) == INLAY_INT64);
    CHECK(inlay_array_element_count(a) == 3);
    CHECK(all_zero_bytes(inlay_array_data(a), 3 * sizeof(int64_t)));
    inlay_array_free(a);
  }
  /* Rank 0: one element, dims NULL (dims may be NULL when rank is 0). */
  a = NULL;
  if (CHECK_STATUS(inlay_array_create(INLAY_FLOAT64, NULL, 0, &a), INLAY_OK)) {
    CHECK(inlay_array_rank(a) == 0);
    CHECK(inlay_array_dims(a) == NULL);
    CHECK(inlay_array_element_count(a) == 1);
    CHECK(all_zero_bytes(inlay_array_data(a), sizeof(double)));
    inlay_array_free(a);
  }
  /* No elements, and the largest rank. */
  a = NULL;
  if (CHECK_STATUS(inlay_array_create(INLAY_FLOAT32, empty03, 2, &a), INLAY_OK)) {
    CHECK(inlay_array_element_count(a) == 0);
    CHECK(dims_equal(inlay_array_dims(a), empty03, 2));
    inlay_array_free(a);
  }
  a = NULL;
  if (CHECK_STATUS(inlay_array_create(INLAY_UINT8, ones9, INLAY_MAX_RANK, &a), INLAY_OK)) {
    CHECK(inlay_array_rank(a) == INLAY_MAX_RANK);
    CHECK(inlay_array_element_count(a) == 1);
    inlay_array_free(a);
  }

  /* inlay_array_create errors. */
  ARRAY_NULL_ARG(out, inlay_array_create(INLAY_FLOAT32, NULL, 2, &out), "inlay_array_create", "dims");
  CHECK_NULL_ARG(inlay_array_create(INLAY_FLOAT32, dims23, 2, NULL), "inlay_array_create", "out");
  ARRAY_FAILS(out, inlay_array_create(INLAY_FLOAT32, negative, 2, &out), INLAY_INVALID_ARGUMENT, "inlay_array_create",
              "negative");
  ARRAY_FAILS(out, inlay_array_create(INLAY_FLOAT32, none_dim, 2, &out), INLAY_INVALID_ARGUMENT,
              "inlay_array_create", NULL);
  ARRAY_FAILS(out, inlay_array_create(INLAY_FLOAT32, ones9, INLAY_MAX_RANK + 1, &out), INLAY_INVALID_ARGUMENT,
              "inlay_array_create", NULL);
  ARRAY_FAILS(out, inlay_array_create(INLAY_FLOAT32, dims23, -1, &out), INLAY_INVALID_ARGUMENT, "inlay_array_create",
              NULL);
  ARRAY_FAILS(out, inlay_array_create(INLAY_FLOAT32, huge, 2, &out), INLAY_INVALID_ARGUMENT, "inlay_array_create",
              NULL);
  {
    /* 2^62 bytes: addressable by size_t, but no allocator can give it. */
    static const int64_t too_big[] = {(int64_t)1 << 30, (int64_t)1 << 30};
    ARRAY_FAILS(out, inlay_array_create(INLAY_FLOAT32, too_big, 2, &out), INLAY_OUT_OF_MEMORY, "inlay_array_create",
                NULL);
  }
  ARRAY_FAILS(out, inlay_array_create((inlay_dtype)0, dims23, 2, &out), INLAY_INVALID_ARGUMENT, "inlay_array_create",
              NULL);
  ARRAY_FAILS(out, inlay_array_create((inlay_dtype)19, dims23, 2, &out), INLAY_INVALID_ARGUMENT,
              "inlay_array_create", NULL);
  {
    /* Strings have no fixed element size: refused (the header is silent on the status). */
    inlay_status st;
    out = (inlay_array *)SENTINEL;
    st = inlay_array_create(INLAY_STRING, dims23, 2, &out);
    CHECK(st == INLAY_UNSUPPORTED || st == INLAY_INVALID_ARGUMENT);
    CHECK(out == (inlay_array *)SENTINEL);
    if (st == INLAY_OK && out != (inlay_array *)SENTINEL) inlay_array_free(out);
  }

  /* inlay_array_wrap: zero-copy over the caller's buffer. */
  a = NULL;
  if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims23, 2, buffer, &a), INLAY_OK)) {
    CHECK(inlay_array_kind_of(a) == INLAY_ARRAY_DENSE);
    CHECK(inlay_array_data(a) == (void *)buffer);
    CHECK(inlay_array_rank(a) == 2);
    CHECK(dims_equal(inlay_array_dims(a), dims23, 2));
    CHECK(inlay_array_dtype(a) == INLAY_FLOAT32);
    CHECK(inlay_array_element_count(a) == 6);
    check_other_kind_accessors(a, INLAY_ARRAY_DENSE, __LINE__);
    inlay_array_free(a); /* must not free the buffer (valgrind would see it) */
    CHECK(buffer[0] == 1 && buffer[5] == 6);
  }
  a = NULL;
  if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, empty03, 2, NULL, &a), INLAY_OK)) { /* no elements: NULL ok */
    CHECK(inlay_array_element_count(a) == 0);
    CHECK(inlay_array_data(a) == NULL);
    inlay_array_free(a);
  }
  ARRAY_FAILS(out, inlay_array_wrap(INLAY_FLOAT32, dims23, 2, NULL, &out), INLAY_INVALID_ARGUMENT, "inlay_array_wrap",
              "data");
  ARRAY_NULL_ARG(out, inlay_array_wrap(INLAY_FLOAT32, NULL, 2, buffer, &out), "inlay_array_wrap", "dims");
  CHECK_NULL_ARG(inlay_array_wrap(INLAY_FLOAT32, dims23, 2, buffer, NULL), "inlay_array_wrap", "out");
  ARRAY_FAILS(out, inlay_array_wrap(INLAY_FLOAT32, negative, 2, buffer, &out), INLAY_INVALID_ARGUMENT,
              "inlay_array_wrap", "negative");
  ARRAY_FAILS(out, inlay_array_wrap(INLAY_FLOAT32, ones9, INLAY_MAX_RANK + 1, buffer, &out), INLAY_INVALID_ARGUMENT,
              "inlay_array_wrap", NULL);
  ARRAY_FAILS(out, inlay_array_wrap(INLAY_FLOAT32, dims23, -1, buffer, &out), INLAY_INVALID_ARGUMENT,
              "inlay_array_wrap", NULL);
  ARRAY_FAILS(out, inlay_array_wrap(INLAY_FLOAT32, huge, 2, buffer, &out), INLAY_INVALID_ARGUMENT, "inlay_array_wrap",
              NULL);
  ARRAY_FAILS(out, inlay_array_wrap((inlay_dtype)1000, dims23, 2, buffer, &out), INLAY_INVALID_ARGUMENT,
              "inlay_array_wrap", NULL);
  ARRAY_FAILS(out, inlay_array_wrap((inlay_dtype)-3, dims23, 2, buffer, &out), INLAY_INVALID_ARGUMENT,
              "inlay_array_wrap", NULL);

  /* inlay_array_wrap_sparse: tf.SparseTensor(indices=[[0,1],[2,3]], values=[1.5,-2], dense_shape=[3,4]). */
  {
    static const int64_t dense_dims[] = {3, 4};
    static const int64_t indices[] = {0, 1, 2, 3};
    static const int64_t bad_indices[] = {0, 1, 3, 0};  /* entry 1: row 3 of 3 */
    static const int64_t neg_indices[] = {0, -1, 1, 1}; /* entry 0: column -1 */
    static const float values[] = {1.5f, -2.0f};
    size_t nnz = 0;

    a = NULL;
    if (CHECK_STATUS(inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, indices, values, 2, &a), INLAY_OK)) {
      CHECK(inlay_array_kind_of(a) == INLAY_ARRAY_SPARSE);
      CHECK(inlay_array_rank(a) == 2);
      CHECK(dims_equal(inlay_array_dims(a), dense_dims, 2));
      CHECK(inlay_array_dtype(a) == INLAY_FLOAT32);
      CHECK(inlay_array_element_count(a) == 2); /* nnz */
      CHECK(inlay_array_data(a) == (const void *)values);
      CHECK(inlay_array_sparse_indices(a, &nnz) == indices);
      CHECK(nnz == 2);
      CHECK(inlay_array_sparse_indices(a, NULL) == indices);
      check_other_kind_accessors(a, INLAY_ARRAY_SPARSE, __LINE__);
      inlay_array_free(a);
    }
    /* Duplicates are allowed (summed where consumed); nnz 0 needs no buffers. */
    a = NULL;
    {
      static const int64_t dup[] = {1, 1, 1, 1};
      if (CHECK_STATUS(inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, dup, values, 2, &a), INLAY_OK)) {
        inlay_array_free(a);
      }
    }
    a = NULL;
    if (CHECK_STATUS(inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, NULL, NULL, 0, &a), INLAY_OK)) {
      CHECK(inlay_array_element_count(a) == 0);
      nnz = 99;
      inlay_array_sparse_indices(a, &nnz);
      CHECK(nnz == 0);
      inlay_array_free(a);
    }
    ARRAY_FAILS(out, inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, bad_indices, values, 2, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_sparse", "indices[1]");
    ARRAY_FAILS(out, inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, neg_indices, values, 2, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_sparse", "indices[0]");
    ARRAY_FAILS(out, inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, NULL, values, 2, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_sparse", "indices");
    ARRAY_FAILS(out, inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, indices, NULL, 2, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_sparse", "values");
    ARRAY_NULL_ARG(out, inlay_array_wrap_sparse(INLAY_FLOAT32, NULL, 2, indices, values, 2, &out),
                   "inlay_array_wrap_sparse", "dense_dims");
    CHECK_NULL_ARG(inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, indices, values, 2, NULL),
                   "inlay_array_wrap_sparse", "out");
    ARRAY_FAILS(out, inlay_array_wrap_sparse(INLAY_FLOAT32, negative, 2, NULL, NULL, 0, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_sparse", "negative");
    ARRAY_FAILS(out, inlay_array_wrap_sparse(INLAY_FLOAT32, ones9, INLAY_MAX_RANK + 1, NULL, NULL, 0, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_sparse", NULL);
    ARRAY_FAILS(out, inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, -1, NULL, NULL, 0, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_sparse", NULL);
    ARRAY_FAILS(out, inlay_array_wrap_sparse(INLAY_FLOAT32, NULL, 0, NULL, NULL, 0, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_sparse", NULL); /* rank 0: a SparseTensor has rank >= 1 */
    ARRAY_FAILS(out, inlay_array_wrap_sparse((inlay_dtype)0, dense_dims, 2, indices, values, 2, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_sparse", NULL);
  }

  /* inlay_array_wrap_ragged: tf.RaggedTensor.from_row_splits([1,2,3,4,5], [0,2,2,5]): dims (3, None). */
  {
    static const float flat[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    static const int64_t flat5[] = {5};
    static const int64_t flat52[] = {5, 2};
    static const int64_t splits[] = {0, 2, 2, 5};
    static const int64_t not_zero[] = {1, 2, 5};
    static const int64_t decreasing[] = {0, 3, 2, 5};
    static const int64_t short_end[] = {0, 2, 4};
    static const int64_t long_end[] = {0, 2, 6};
    static const int64_t zero_split[] = {0};
    static const int64_t flat0[] = {0};
    static const int64_t expected2[] = {3, INLAY_DIM_NONE};
    static const int64_t expected3[] = {3, INLAY_DIM_NONE, 2};
    static const int64_t expected_empty[] = {0, INLAY_DIM_NONE};
    size_t n = 0;
    int r = 0;

    a = NULL;
    if (CHECK_STATUS(inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, splits, 4, &a), INLAY_OK)) {
      CHECK(inlay_array_kind_of(a) == INLAY_ARRAY_RAGGED);
      CHECK(inlay_array_rank(a) == 2);
      CHECK(dims_equal(inlay_array_dims(a), expected2, 2));
      CHECK(inlay_array_dtype(a) == INLAY_FLOAT32);
      CHECK(inlay_array_element_count(a) == 5);
      CHECK(inlay_array_data(a) == (const void *)flat);
      CHECK(inlay_array_row_splits(a, &n) == splits);
      CHECK(n == 4);
      CHECK(inlay_array_row_splits(a, NULL) == splits);
      if (CHECK(inlay_array_flat_dims(a, &r) != NULL)) {
        CHECK(r == 1);
        CHECK(inlay_array_flat_dims(a, NULL)[0] == 5);
      }
      check_other_kind_accessors(a, INLAY_ARRAY_RAGGED, __LINE__);
      inlay_array_free(a);
    }
    a = NULL;
    if (CHECK_STATUS(inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat52, 2, splits, 4, &a), INLAY_OK)) {
      CHECK(inlay_array_rank(a) == 3);
      CHECK(dims_equal(inlay_array_dims(a), expected3, 3));
      CHECK(inlay_array_element_count(a) == 10);
      r = 0;
      CHECK(dims_equal(inlay_array_flat_dims(a, &r), flat52, 2));
      CHECK(r == 2);
      inlay_array_free(a);
    }
    /* No rows, no values: one split, flat_values may be NULL. */
    a = NULL;
    if (CHECK_STATUS(inlay_array_wrap_ragged(INLAY_FLOAT32, NULL, flat0, 1, zero_split, 1, &a), INLAY_OK)) {
      CHECK(inlay_array_rank(a) == 2);
      CHECK(dims_equal(inlay_array_dims(a), expected_empty, 2));
      CHECK(inlay_array_element_count(a) == 0);
      inlay_array_free(a);
    }
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, not_zero, 3, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_ragged", "row_splits[0]");
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, decreasing, 4, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_ragged", "row_splits[2]");
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, short_end, 3, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_ragged", "row_splits");
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, long_end, 3, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_ragged", "row_splits");
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, splits, 0, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_ragged", "row_splits");
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, NULL, 4, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_ragged", "row_splits");
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, NULL, flat5, 1, splits, 4, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_ragged", "flat_values");
    ARRAY_NULL_ARG(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, NULL, 1, splits, 4, &out),
                   "inlay_array_wrap_ragged", "flat_dims");
    CHECK_NULL_ARG(inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, splits, 4, NULL), "inlay_array_wrap_ragged",
                   "out");
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, NULL, 0, splits, 4, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_ragged", NULL); /* flat_rank 0 */
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, -1, splits, 4, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_ragged", NULL);
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, ones9, INLAY_MAX_RANK + 1, splits, 4, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_ragged", NULL);
    /* flat_rank INLAY_MAX_RANK makes a ragged array of rank INLAY_MAX_RANK + 1. */
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, ones9, INLAY_MAX_RANK, zero_split, 1, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_ragged", NULL);
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, negative, 2, zero_split, 1, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_ragged", "negative");
    ARRAY_FAILS(out, inlay_array_wrap_ragged(INLAY_FLOAT32, flat, huge, 2, zero_split, 1, &out),
                INLAY_INVALID_ARGUMENT, "inlay_array_wrap_ragged", NULL);
    ARRAY_FAILS(out, inlay_array_wrap_ragged((inlay_dtype)99, flat, flat5, 1, splits, 4, &out), INLAY_INVALID_ARGUMENT,
                "inlay_array_wrap_ragged", NULL);
  }

  /* NULL-safe accessors. */
  CHECK(inlay_array_data(NULL) == NULL);
  CHECK(inlay_array_kind_of(NULL) == (inlay_array_kind)0);
  CHECK(inlay_array_rank(NULL) == -1);
  CHECK(inlay_array_dims(NULL) == NULL);
  CHECK(inlay_array_dtype(NULL) == (inlay_dtype)0);
  CHECK(inlay_array_element_count(NULL) == 0);
  {
    size_t n = 7;
    int r = 7;
    CHECK(inlay_array_row_splits(NULL, &n) == NULL);
    CHECK(inlay_array_flat_dims(NULL, &r) == NULL);
    CHECK(inlay_array_sparse_indices(NULL, &n) == NULL);
    CHECK(n == 7 && r == 7);
  }
  inlay_array_free(NULL);
}

/* ---------------------------------------------------------------------------------------------------------
 * .npy files
 * ------------------------------------------------------------------------------------------------------- */

/* A file name under /tmp unique to this run: a fixed stem, the time and a counter (C99 has no getpid). */
static void temp_path(char *buf, size_t size, const char *suffix) {
  static int counter = 0;
  sprintf(buf, "/tmp/inlay_c_abi_test_%ld_%d%s", (long)time(NULL), counter++, suffix);
  (void)size;
}

static void test_npy(void) {
  static const int64_t dims23[] = {2, 3};
  static const float values[6] = {1.5f, -2.0f, 0.0f, 3.25f, 1e-3f, -7.0f};
  float buffer[6];
  char path[256];
  char garbage_path[256];
  inlay_array *a = NULL;
  inlay_array *loaded;
  inlay_array *out;
  FILE *f;

  memcpy(buffer, values, sizeof buffer);
  temp_path(path, sizeof path, ".npy");
  temp_path(garbage_path, sizeof garbage_path, ".npy");

  /* NULL arguments and a missing file. */
  ARRAY_NULL_ARG(out, inlay_array_load_npy(NULL, &out), "inlay_array_load_npy", "path");
  CHECK_NULL_ARG(inlay_array_load_npy(path, NULL), "inlay_array_load_npy", "out");
  ARRAY_FAILS(out, inlay_array_load_npy("/nonexistent/dir/x.npy", &out), INLAY_IO_ERROR, "x.npy", NULL);
  ARRAY_FAILS(out, inlay_array_load_npy(path, &out), INLAY_IO_ERROR, path, NULL); /* not written yet */
  ARRAY_FAILS(out, inlay_array_load_npy("/tmp", &out), INLAY_IO_ERROR, "/tmp", NULL); /* a directory */

  /* Not a .npy file. */
  f = fopen(garbage_path, "wb");
  if (CHECK(f != NULL)) {
    fputs("this is not a numpy file, just some text long enough to hold a header\n", f);
    fclose(f);
    ARRAY_FAILS(out, inlay_array_load_npy(garbage_path, &out), INLAY_PARSE_ERROR, garbage_path, NULL);
    remove(garbage_path);
  }

  if (!CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims23, 2, buffer, &a), INLAY_OK)) return;
  CHECK_NULL_ARG(inlay_array_save_npy(NULL, path), "inlay_array_save_npy", "a");
  CHECK_NULL_ARG(inlay_array_save_npy(a, NULL), "inlay_array_save_npy", "path");
  CHECK_STATUS(inlay_array_save_npy(a, "/nonexistent/dir/x.npy"), INLAY_IO_ERROR);

  /* Save, then load back: same dtype, dims and values. */
  if (CHECK_STATUS(inlay_array_save_npy(a, path), INLAY_OK)) {
    loaded = NULL;
    if (CHECK_STATUS(inlay_array_load_npy(path, &loaded), INLAY_OK)) {
      CHECK(loaded != NULL);
      CHECK(inlay_array_kind_of(loaded) == INLAY_ARRAY_DENSE);
      CHECK(inlay_array_dtype(loaded) == INLAY_FLOAT32);
      CHECK(inlay_array_rank(loaded) == 2);
      CHECK(dims_equal(inlay_array_dims(loaded), dims23, 2));
      CHECK(inlay_array_element_count(loaded) == 6);
      CHECK(inlay_array_data(loaded) != NULL && inlay_array_data(loaded) != (void *)buffer);
      CHECK(inlay_array_data(loaded) != NULL && memcmp(inlay_array_data(loaded), values, sizeof values) == 0);
      inlay_array_free(loaded);
    }
    remove(path);
  }
  CHECK(memcmp(buffer, values, sizeof values) == 0); /* saving does not touch the data */
  inlay_array_free(a);

  /* An int64 scalar round trip (rank 0: dims NULL). */
  a = NULL;
  if (CHECK_STATUS(inlay_array_create(INLAY_INT64, NULL, 0, &a), INLAY_OK)) {
    *(int64_t *)inlay_array_data(a) = -1234567890123LL;
    temp_path(path, sizeof path, ".npy");
    if (CHECK_STATUS(inlay_array_save_npy(a, path), INLAY_OK)) {
      loaded = NULL;
      if (CHECK_STATUS(inlay_array_load_npy(path, &loaded), INLAY_OK)) {
        CHECK(inlay_array_dtype(loaded) == INLAY_INT64);
        CHECK(inlay_array_rank(loaded) == 0);
        CHECK(inlay_array_element_count(loaded) == 1);
        CHECK(*(const int64_t *)inlay_array_data(loaded) == -1234567890123LL);
        inlay_array_free(loaded);
      }
      remove(path);
    }
    inlay_array_free(a);
  }

  /* Only dense arrays can be saved; nothing is written. */
  {
    static const int64_t dense_dims[] = {3, 4};
    static const int64_t indices[] = {0, 1};
    static const float v[] = {1.0f};
    static const int64_t flat5[] = {5};
    static const int64_t splits[] = {0, 5};
    static const float flat[5] = {1, 2, 3, 4, 5};
    a = NULL;
    temp_path(path, sizeof path, ".npy");
    if (CHECK_STATUS(inlay_array_wrap_sparse(INLAY_FLOAT32, dense_dims, 2, indices, v, 1, &a), INLAY_OK)) {
      CHECK_STATUS(inlay_array_save_npy(a, path), INLAY_INVALID_ARGUMENT);
      CHECK_CONTAINS(inlay_last_error(), "inlay_array_save_npy");
      f = fopen(path, "rb");
      CHECK(f == NULL);
      if (f != NULL) {
        fclose(f);
        remove(path);
      }
      inlay_array_free(a);
    }
    a = NULL;
    if (CHECK_STATUS(inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat5, 1, splits, 2, &a), INLAY_OK)) {
      CHECK_STATUS(inlay_array_save_npy(a, path), INLAY_INVALID_ARGUMENT);
      remove(path);
      inlay_array_free(a);
    }
  }
}

/* ---------------------------------------------------------------------------------------------------------
 * Inference
 * ------------------------------------------------------------------------------------------------------- */

/* Input(shape=(4,)) -> Dense(units) (linear) through the C ABI, with layer name dense_name when not NULL.
 * The graph is freed once the model holds it. NULL (and a failed check) on failure. */
static inlay_model *dense_model(int units, int line) {
  inlay_graph *g = NULL;
  inlay_tensor *x = NULL, *y = NULL;
  inlay_layer *dense = NULL;
  inlay_model *m = NULL;
  size_t n = 0;
  char config[64];
  sprintf(config, "{\"units\":%d}", units);
  if (!check_status_impl(inlay_graph_create(&g), INLAY_OK, "inlay_graph_create", __FILE__, line)) return NULL;
  if (check_status_impl(inlay_input(g, "{\"shape\":[4]}", NULL, NULL, &x), INLAY_OK, "inlay_input", __FILE__, line) &&
      check_status_impl(inlay_layer_create(g, "Dense", config, &dense), INLAY_OK, "inlay_layer_create", __FILE__,
                        line) &&
      check_status_impl(inlay_layer_call(dense, &x, 1, &y, 1, &n), INLAY_OK, "inlay_layer_call", __FILE__, line)) {
    check_status_impl(inlay_model_create(g, &x, 1, &y, 1, NULL, &m), INLAY_OK, "inlay_model_create", __FILE__, line);
  }
  inlay_graph_free(g);
  return m;
}

/* y = x @ w + b for x (batch, in), w (in, units) row-major, in double. */
static void dense_reference(const float *x, int batch, const float *w, const float *b, int in, int units,
                            double *y) {
  int i, j, k;
  for (i = 0; i < batch; ++i) {
    for (j = 0; j < units; ++j) {
      double s = b[j];
      for (k = 0; k < in; ++k) s += (double)x[i * in + k] * (double)w[k * units + j];
      y[i * units + j] = s;
    }
  }
}

/* got[i] within tol * max(1, |want[i]|) of want[i] for every i; prints the first difference. */
static int values_close_impl(const float *got, const double *want, size_t n, double tol, const char *what,
                             const char *file, int line) {
  size_t i;
  if (got == NULL) return check_impl(0, what, file, line);
  for (i = 0; i < n; ++i) {
    double diff = (double)got[i] - want[i];
    double scale = want[i] < 0 ? -want[i] : want[i];
    if (diff < 0) diff = -diff;
    if (scale < 1) scale = 1;
    if (!(diff <= tol * scale)) {
      check_impl(0, what, file, line);
      printf("    element %lu: got %.9g, expected %.9g\n", (unsigned long)i, (double)got[i], want[i]);
      return 0;
    }
  }
  return check_impl(1, what, file, line);
}
#define VALUES_CLOSE(got, want, n, tol) values_close_impl((got), (want), (n), (tol), #got " ~ " #want, __FILE__, __LINE__)

/* predict with a library-allocated output that must succeed and have dims (batch, units); the values are
 * compared with want. */
static void predict_allocated(inlay_model *m, const inlay_array *x, int batch, int units, const double *want,
                              double tol, int line) {
  inlay_array *outs[1] = {NULL};
  int64_t expected[2];
  expected[0] = batch;
  expected[1] = units;
  if (!check_status_impl(inlay_model_predict(m, &x, 1, outs, 1), INLAY_OK, "inlay_model_predict", __FILE__, line)) {
    check_impl(outs[0] == NULL, "no output allocated on failure", __FILE__, line);
    return;
  }
  if (!check_impl(outs[0] != NULL, "predict allocated the output", __FILE__, line)) return;
  check_impl(inlay_array_kind_of(outs[0]) == INLAY_ARRAY_DENSE, "output is dense", __FILE__, line);
  check_impl(inlay_array_dtype(outs[0]) == INLAY_FLOAT32, "output is float32", __FILE__, line);
  check_impl(inlay_array_rank(outs[0]) == 2, "output rank 2", __FILE__, line);
  check_impl(dims_equal(inlay_array_dims(outs[0]), expected, 2), "output dims (batch, units)", __FILE__, line);
  check_impl(inlay_array_element_count(outs[0]) == (size_t)(batch * units), "output element count", __FILE__, line);
  values_close_impl((const float *)inlay_array_data(outs[0]), want, (size_t)(batch * units), tol, "predicted values",
                    __FILE__, line);
  inlay_array_free(outs[0]);
}
#define PREDICT_ALLOCATED(m, x, batch, units, want, tol) \
  predict_allocated((m), (x), (batch), (units), (want), (tol), __LINE__)

static void fill_floats(float *p, size_t n, float v) {
  size_t i;
  for (i = 0; i < n; ++i) p[i] = v;
}

static int all_floats_equal(const float *p, size_t n, float v) {
  size_t i;
  for (i = 0; i < n; ++i) {
    if (p[i] != v) return 0;
  }
  return 1;
}

static void test_predict(void) {
  /* Hand-chosen weights (exact in float32 and in bfloat16): kernel (4, 3), bias (3,). */
  static const float kernel[12] = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.5f, -2.0f, 1.0f, 0.75f, 0.125f, 3.0f, -1.25f};
  static const float bias[3] = {0.5f, -0.25f, 1.0f};
  static const float kernel2[12] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1};
  static const float bias2[3] = {-1.0f, 0.0f, 2.0f};
  static const int64_t dims24[] = {2, 4};
  static const int64_t dims25[] = {2, 5};
  static const int64_t dims241[] = {2, 4, 1};
  static const int64_t dims242[] = {2, 4, 2};
  static const int64_t dims23[] = {2, 3};
  static const int64_t dims32[] = {3, 2};
  static const int64_t dims4[] = {4};
  float xv[8] = {1.0f, 2.0f, 3.0f, 4.0f, -1.0f, 0.5f, -2.0f, 0.25f};
  float wide[10] = {0};
  float out_buf[6];
  float wrong_buf[6];
  double want[6], want2[6];
  inlay_model *m;
  inlay_array *x = NULL, *x3 = NULL, *in_place = NULL, *wrong_out = NULL;
  inlay_array *outs[2];
  const inlay_array *ins[2];
  inlay_status st;
  float got[12];

  m = dense_model(3, __LINE__);
  if (m == NULL) return;
  CHECK_STR(inlay_model_name(m), "functional"); /* the first model of its graph */
  CHECK(inlay_model_weight_count(m) == 2);
  CHECK_STATUS(inlay_model_set_weight(m, 0, kernel, 12), INLAY_OK);
  CHECK_STATUS(inlay_model_set_weight(m, 1, bias, 3), INLAY_OK);
  CHECK_STATUS(inlay_model_get_weight(m, 0, got, 12), INLAY_OK);
  CHECK(memcmp(got, kernel, sizeof kernel) == 0);
  dense_reference(xv, 2, kernel, bias, 4, 3, want);
  /* By hand, row 0: [1,2,3,4] @ W + b = [0.5+3-6+0.5, -1+0.5+3+12, 2-1+2.25-5] + b = [-1.5, 14.25, -0.75]. */
  CHECK(want[0] == -1.5 && want[1] == 14.25 && want[2] == -0.75);

  if (!CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims24, 2, xv, &x), INLAY_OK)) {
    inlay_model_free(m);
    return;
  }
  ins[0] = x;

  /* A library-allocated output. */
  PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6);
  CHECK(xv[0] == 1.0f && xv[7] == 0.25f); /* inputs are only read */

  /* An in-place output over the caller's buffer (wrapped), twice: the second run reuses the plan. */
  fill_floats(out_buf, 6, -99.0f);
  if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims23, 2, out_buf, &in_place), INLAY_OK)) {
    outs[0] = in_place;
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_OK)) {
      CHECK(outs[0] == in_place);
      VALUES_CLOSE(out_buf, want, 6, 1e-6);
    }
    fill_floats(out_buf, 6, -99.0f);
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_OK)) VALUES_CLOSE(out_buf, want, 6, 1e-6);
  }
  /* An owned in-place output (inlay_array_create). */
  {
    inlay_array *owned = NULL;
    if (CHECK_STATUS(inlay_array_create(INLAY_FLOAT32, dims23, 2, &owned), INLAY_OK)) {
      outs[0] = owned;
      if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_OK)) {
        VALUES_CLOSE((const float *)inlay_array_data(owned), want, 6, 1e-6);
      }
      inlay_array_free(owned);
    }
  }

  /* NULL arguments. */
  outs[0] = NULL;
  CHECK_NULL_ARG(inlay_model_predict(NULL, ins, 1, outs, 1), "inlay_model_predict", "m");
  CHECK_NULL_ARG(inlay_model_predict(m, NULL, 1, outs, 1), "inlay_model_predict", "inputs");
  CHECK_NULL_ARG(inlay_model_predict(m, ins, 1, NULL, 1), "inlay_model_predict", "outputs");
  CHECK(outs[0] == NULL);

  /* Wrong counts: nothing allocated. */
  ins[1] = x;
  CHECK_STATUS(inlay_model_predict(m, ins, 2, outs, 1), INLAY_INVALID_ARGUMENT);
  CHECK_STATUS(inlay_model_predict(m, ins, 0, outs, 1), INLAY_INVALID_ARGUMENT);
  CHECK_STATUS(inlay_model_predict(m, NULL, 0, outs, 1), INLAY_INVALID_ARGUMENT);
  CHECK(outs[0] == NULL);
  outs[1] = NULL;
  CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 2), INLAY_INVALID_ARGUMENT);
  CHECK(outs[0] == NULL && outs[1] == NULL);
  CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 0), INLAY_INVALID_ARGUMENT);
  CHECK_STATUS(inlay_model_predict(m, ins, 1, NULL, 0), INLAY_INVALID_ARGUMENT);
  CHECK(outs[0] == NULL);

  /* A NULL entry in inputs[]. */
  ins[0] = NULL;
  if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_INVALID_ARGUMENT)) {
    CHECK_CONTAINS(inlay_last_error(), "inputs[0]");
  }
  CHECK(outs[0] == NULL);
  ins[0] = x;

  /* Wrong dtype, wrong kind. */
  {
    double dv[8] = {0};
    inlay_array *xd64 = NULL;
    if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT64, dims24, 2, dv, &xd64), INLAY_OK)) {
      ins[0] = xd64;
      if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_INVALID_ARGUMENT)) {
        CHECK_CONTAINS(inlay_last_error(), "float64");
      }
      CHECK(outs[0] == NULL);
      CHECK_STATUS(inlay_model_prepare(m, ins, 1), INLAY_INVALID_ARGUMENT);
      inlay_array_free(xd64);
    }
  }
  {
    static const int64_t indices[] = {0, 1, 1, 3};
    static const float values[] = {1.0f, 2.0f};
    static const int64_t flat4[] = {2, 4};
    static const int64_t splits[] = {0, 1, 2};
    inlay_array *sp = NULL, *rg = NULL;
    if (CHECK_STATUS(inlay_array_wrap_sparse(INLAY_FLOAT32, dims24, 2, indices, values, 2, &sp), INLAY_OK)) {
      ins[0] = sp;
      if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_INVALID_ARGUMENT)) {
        CHECK_CONTAINS(inlay_last_error(), "sparse");
      }
      CHECK(outs[0] == NULL);
      inlay_array_free(sp);
    }
    if (CHECK_STATUS(inlay_array_wrap_ragged(INLAY_FLOAT32, xv, flat4, 2, splits, 3, &rg), INLAY_OK)) {
      ins[0] = rg;
      if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_INVALID_ARGUMENT)) {
        CHECK_CONTAINS(inlay_last_error(), "ragged");
      }
      CHECK(outs[0] == NULL);
      inlay_array_free(rg);
    }
    ins[0] = x;
  }

  /* Wrong shape: Keras's message (Functional's input check), for predict and prepare. */
  {
    inlay_array *x25 = NULL;
    if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims25, 2, wide, &x25), INLAY_OK)) {
      ins[0] = x25;
      if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_SHAPE_MISMATCH)) {
        CHECK_CONTAINS(inlay_last_error(), "Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: "
                                           "expected shape=(None, 4), found shape=(2, 5)");
      }
      CHECK(outs[0] == NULL);
      outs[0] = in_place;
      fill_floats(out_buf, 6, -99.0f);
      CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_SHAPE_MISMATCH);
      CHECK(all_floats_equal(out_buf, 6, -99.0f));
      outs[0] = NULL;
      if (CHECK_STATUS(inlay_model_prepare(m, ins, 1), INLAY_SHAPE_MISMATCH)) {
        CHECK_CONTAINS(inlay_last_error(), "expected shape=(None, 4), found shape=(2, 5)");
      }
      inlay_array_free(x25);
    }
    /* Rank 1: (4,) is not (None, 4). */
    if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims4, 1, xv, &x25), INLAY_OK)) {
      ins[0] = x25;
      if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_SHAPE_MISMATCH)) {
        CHECK_CONTAINS(inlay_last_error(), "expected shape=(None, 4), found shape=(4,)");
      }
      CHECK(outs[0] == NULL);
      inlay_array_free(x25);
    }
    ins[0] = x;
  }

  /* An in-place output of the wrong dims or dtype: SHAPE_MISMATCH, its buffer untouched. */
  fill_floats(wrong_buf, 6, -42.0f);
  if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims32, 2, wrong_buf, &wrong_out), INLAY_OK)) {
    outs[0] = wrong_out;
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_SHAPE_MISMATCH)) {
      CHECK_CONTAINS(inlay_last_error(), "outputs[0]");
    }
    CHECK(outs[0] == wrong_out);
    CHECK(all_floats_equal(wrong_buf, 6, -42.0f));
    inlay_array_free(wrong_out);
  }
  {
    double d_buf[6] = {-42, -42, -42, -42, -42, -42};
    inlay_array *d_out = NULL;
    if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT64, dims23, 2, d_buf, &d_out), INLAY_OK)) {
      outs[0] = d_out;
      st = inlay_model_predict(m, ins, 1, outs, 1);
      CHECK(st == INLAY_SHAPE_MISMATCH || st == INLAY_INVALID_ARGUMENT);
      CHECK(d_buf[0] == -42 && d_buf[5] == -42);
      inlay_array_free(d_out);
    }
  }
  outs[0] = NULL;

  /* Keras's rank adjustment: (2, 4, 1) is taken for Input(shape=(4,)); (2, 4, 2) is not. */
  if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims241, 3, xv, &x3), INLAY_OK)) {
    PREDICT_ALLOCATED(m, x3, 2, 3, want, 1e-6);
    inlay_array_free(x3);
  }
  {
    float buf16[16] = {0};
    x3 = NULL;
    if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims242, 3, buf16, &x3), INLAY_OK)) {
      ins[0] = x3;
      if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_SHAPE_MISMATCH)) {
        CHECK_CONTAINS(inlay_last_error(), "expected shape=(None, 4), found shape=(2, 4, 2)");
      }
      CHECK(outs[0] == NULL);
      inlay_array_free(x3);
      ins[0] = x;
    }
  }

  /* Other batch sizes compile other plans: batch 1 (row 1 of x) and 5. */
  {
    static const int64_t dims14[] = {1, 4};
    static const int64_t dims54[] = {5, 4};
    float x5[20];
    double want5[15];
    inlay_array *xb = NULL;
    int i;
    if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims14, 2, xv + 4, &xb), INLAY_OK)) {
      PREDICT_ALLOCATED(m, xb, 1, 3, want + 3, 1e-6);
      inlay_array_free(xb);
    }
    for (i = 0; i < 20; ++i) x5[i] = (float)(i % 7) - 3.0f;
    dense_reference(x5, 5, kernel, bias, 4, 3, want5);
    xb = NULL;
    if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims54, 2, x5, &xb), INLAY_OK)) {
      PREDICT_ALLOCATED(m, xb, 5, 3, want5, 1e-6);
      inlay_array_free(xb);
    }
  }

  /* inlay_model_prepare: NULLs, then a plan compiled ahead of predict. */
  CHECK_NULL_ARG(inlay_model_prepare(NULL, ins, 1), "inlay_model_prepare", "m");
  CHECK_NULL_ARG(inlay_model_prepare(m, NULL, 1), "inlay_model_prepare", "inputs");
  CHECK_STATUS(inlay_model_prepare(m, ins, 2), INLAY_INVALID_ARGUMENT);
  CHECK_STATUS(inlay_model_prepare(m, NULL, 0), INLAY_INVALID_ARGUMENT);
  CHECK_STATUS(inlay_model_prepare(m, ins, 1), INLAY_OK);
  CHECK_STATUS(inlay_model_prepare(m, ins, 1), INLAY_OK); /* again: cached */
  PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6);

  /* Threads. */
  CHECK_NULL_ARG(inlay_model_set_num_threads(NULL, 1), "inlay_model_set_num_threads", "m");
  CHECK(inlay_model_num_threads(NULL) == 0);
  {
    int default_threads = inlay_model_num_threads(m);
    CHECK(default_threads >= 1);
    CHECK_STATUS(inlay_model_set_num_threads(m, -1), INLAY_INVALID_ARGUMENT);
    CHECK(inlay_model_num_threads(m) == default_threads);
    CHECK_STATUS(inlay_model_set_num_threads(m, 1), INLAY_OK);
    CHECK(inlay_model_num_threads(m) == 1);
    PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6);
    CHECK_STATUS(inlay_model_set_num_threads(m, 2), INLAY_OK);
    CHECK(inlay_model_num_threads(m) == 2);
    PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6);
    CHECK_STATUS(inlay_model_set_num_threads(m, 0), INLAY_OK);
    CHECK(inlay_model_num_threads(m) >= 1);
    CHECK(inlay_model_num_threads(m) == default_threads);
    PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6);
  }

  /* Precision. */
  CHECK_NULL_ARG(inlay_model_set_precision(NULL, INLAY_PRECISION_FLOAT32), "inlay_model_set_precision", "m");
  CHECK_STATUS(inlay_model_set_precision(m, (inlay_precision)3), INLAY_INVALID_ARGUMENT);
  CHECK_CONTAINS(inlay_last_error(), "inlay_model_set_precision");
  CHECK_STATUS(inlay_model_set_precision(m, (inlay_precision)-1), INLAY_INVALID_ARGUMENT);
  PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6); /* still float32 */
  CHECK_STATUS(inlay_model_set_precision(m, INLAY_PRECISION_FLOAT32_STRICT), INLAY_OK);
  PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6); /* a Dense: the same in every float32 mode */
  st = inlay_model_set_precision(m, INLAY_PRECISION_BFLOAT16);
  CHECK(st == INLAY_OK || st == INLAY_UNSUPPORTED);
  if (st == INLAY_OK) {
    PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-2);
    outs[0] = in_place;
    fill_floats(out_buf, 6, -99.0f);
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_OK)) VALUES_CLOSE(out_buf, want, 6, 1e-2);
    outs[0] = NULL;
  } else {
    CHECK(inlay_last_error()[0] != '\0');
    PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6); /* the model is unchanged */
  }
  CHECK_STATUS(inlay_model_set_precision(m, INLAY_PRECISION_FLOAT32), INLAY_OK);
  PREDICT_ALLOCATED(m, x, 2, 3, want, 1e-6);

  /* New weights after a predict: the next predict uses them (the compiled plans are dropped), in place too. */
  CHECK_STATUS(inlay_model_set_weight(m, 0, kernel2, 12), INLAY_OK);
  CHECK_STATUS(inlay_model_set_weight(m, 1, bias2, 3), INLAY_OK);
  dense_reference(xv, 2, kernel2, bias2, 4, 3, want2);
  /* By hand, row 0: [1+4, 2+4, 3+4] + [-1, 0, 2] = [4, 6, 9]. */
  CHECK(want2[0] == 4.0 && want2[1] == 6.0 && want2[2] == 9.0);
  PREDICT_ALLOCATED(m, x, 2, 3, want2, 1e-6);
  if (in_place != NULL) {
    outs[0] = in_place;
    fill_floats(out_buf, 6, -99.0f);
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_OK)) VALUES_CLOSE(out_buf, want2, 6, 1e-6);
    outs[0] = NULL;
  }
  /* Only the bias changes: still picked up. */
  CHECK_STATUS(inlay_model_set_weight(m, 1, bias, 3), INLAY_OK);
  dense_reference(xv, 2, kernel2, bias, 4, 3, want2);
  PREDICT_ALLOCATED(m, x, 2, 3, want2, 1e-6);

  inlay_array_free(in_place);
  inlay_array_free(x);
  inlay_model_free(m);
}

/* Two outputs: a failure on one leaves the other (library-allocated) NULL and nothing written. */
static void test_predict_two_outputs(void) {
  static const float ka[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  static const float ba[3] = {0.5f, 0.5f, 0.5f};
  static const float kb[8] = {1, -1, 0.5f, -0.5f, 2, -2, 0.25f, -0.25f};
  static const float bb[2] = {1, -1};
  static const int64_t dims24[] = {2, 4};
  static const int64_t dims22[] = {2, 2};
  static const int64_t dims23[] = {2, 3};
  float xv[8] = {1, 0, -1, 2, 0.5f, 0.5f, 0.5f, 0.5f};
  float buf_b[4];
  float buf_wrong[6];
  double want_a[6], want_b[4];
  inlay_graph *g = NULL;
  inlay_tensor *x = NULL, *ys[2] = {NULL, NULL};
  inlay_layer *da = NULL, *db = NULL;
  inlay_model *m = NULL;
  inlay_array *xa = NULL, *out_b = NULL, *wrong = NULL;
  inlay_array *outs[2];
  const inlay_array *ins[1];
  size_t n = 0;

  if (!CHECK_STATUS(inlay_graph_create(&g), INLAY_OK)) return;
  if (CHECK_STATUS(inlay_input(g, "{\"shape\":[4]}", NULL, NULL, &x), INLAY_OK) &&
      CHECK_STATUS(inlay_layer_create(g, "Dense", "{\"units\":3}", &da), INLAY_OK) &&
      CHECK_STATUS(inlay_layer_create(g, "Dense", "{\"units\":2}", &db), INLAY_OK) &&
      CHECK_STATUS(inlay_layer_call(da, &x, 1, &ys[0], 1, &n), INLAY_OK) &&
      CHECK_STATUS(inlay_layer_call(db, &x, 1, &ys[1], 1, &n), INLAY_OK)) {
    CHECK_STATUS(inlay_model_create(g, &x, 1, ys, 2, "two", &m), INLAY_OK);
  }
  inlay_graph_free(g);
  if (m == NULL) return;
  CHECK(inlay_model_output_count(m) == 2);
  CHECK(inlay_model_weight_count(m) == 4);
  CHECK_STATUS(inlay_model_set_weight(m, 0, ka, 12), INLAY_OK);
  CHECK_STATUS(inlay_model_set_weight(m, 1, ba, 3), INLAY_OK);
  CHECK_STATUS(inlay_model_set_weight(m, 2, kb, 8), INLAY_OK);
  CHECK_STATUS(inlay_model_set_weight(m, 3, bb, 2), INLAY_OK);
  dense_reference(xv, 2, ka, ba, 4, 3, want_a);
  dense_reference(xv, 2, kb, bb, 4, 2, want_b);

  if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims24, 2, xv, &xa), INLAY_OK) &&
      CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims22, 2, buf_b, &out_b), INLAY_OK) &&
      CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims23, 2, buf_wrong, &wrong), INLAY_OK)) {
    ins[0] = xa;
    /* outputs[1] has output 0's dims: SHAPE_MISMATCH naming the model; outputs[0] stays NULL. */
    outs[0] = NULL;
    outs[1] = wrong;
    fill_floats(buf_wrong, 6, -42.0f);
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 2), INLAY_SHAPE_MISMATCH)) {
      CHECK_CONTAINS(inlay_last_error(), "\"two\"");
      CHECK_CONTAINS(inlay_last_error(), "outputs[1]");
    }
    CHECK(outs[0] == NULL && outs[1] == wrong);
    CHECK(all_floats_equal(buf_wrong, 6, -42.0f));

    /* One library-allocated, one in place. */
    outs[0] = NULL;
    outs[1] = out_b;
    fill_floats(buf_b, 4, -42.0f);
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 2), INLAY_OK)) {
      CHECK(outs[1] == out_b);
      VALUES_CLOSE(buf_b, want_b, 4, 1e-6);
      if (CHECK(outs[0] != NULL)) {
        CHECK(dims_equal(inlay_array_dims(outs[0]), dims23, 2));
        VALUES_CLOSE((const float *)inlay_array_data(outs[0]), want_a, 6, 1e-6);
        inlay_array_free(outs[0]);
      }
    }
    /* Both library-allocated. */
    outs[0] = NULL;
    outs[1] = NULL;
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 2), INLAY_OK)) {
      if (CHECK(outs[0] != NULL && outs[1] != NULL)) {
        CHECK(dims_equal(inlay_array_dims(outs[1]), dims22, 2));
        VALUES_CLOSE((const float *)inlay_array_data(outs[0]), want_a, 6, 1e-6);
        VALUES_CLOSE((const float *)inlay_array_data(outs[1]), want_b, 4, 1e-6);
      }
      inlay_array_free(outs[0]);
      inlay_array_free(outs[1]);
    }
    /* Too few outputs. */
    outs[0] = NULL;
    CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_INVALID_ARGUMENT);
    CHECK(outs[0] == NULL);
  }
  inlay_array_free(wrong);
  inlay_array_free(out_b);
  inlay_array_free(xa);
  inlay_model_free(m);
}

/* Sparse and ragged inputs: Input(shape=(4,), sparse=True) and Input(shape=(None, 4), ragged=True) into Dense(3). */
static void test_predict_sparse_ragged(void) {
  static const float kernel[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  static const float bias[3] = {0.5f, -0.5f, 1.0f};
  static const int64_t dims24[] = {2, 4};
  static const int64_t indices[] = {0, 1, 1, 3, 1, 3}; /* [1,3] twice: summed, as tf.sparse ops do */
  static const float values[] = {1.0f, 2.0f, 5.0f};
  static const float dense_x[8] = {0, 1, 0, 0, 0, 0, 0, 7};
  static const int64_t flat_dims[] = {3, 4};
  static const int64_t splits[] = {0, 2, 3};
  static const int64_t other_splits[] = {0, 1, 3};
  static const float flat[12] = {1, 0, 0, 0, 0, 1, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f};
  static const int64_t ragged_dims[] = {2, INLAY_DIM_NONE, 3};
  double want[9];
  inlay_graph *g = NULL;
  inlay_tensor *x = NULL, *y = NULL;
  inlay_layer *dense = NULL;
  inlay_model *m = NULL;
  inlay_array *a = NULL;
  inlay_array *outs[1];
  const inlay_array *ins[1];
  size_t n = 0;

  /* Sparse. */
  if (!CHECK_STATUS(inlay_graph_create(&g), INLAY_OK)) return;
  if (CHECK_STATUS(inlay_input(g, "{\"shape\":[4],\"sparse\":true}", NULL, NULL, &x), INLAY_OK) &&
      CHECK_STATUS(inlay_layer_create(g, "Dense", "{\"units\":3}", &dense), INLAY_OK) &&
      CHECK_STATUS(inlay_layer_call(dense, &x, 1, &y, 1, &n), INLAY_OK)) {
    CHECK_STATUS(inlay_model_create(g, &x, 1, &y, 1, NULL, &m), INLAY_OK);
  }
  inlay_graph_free(g);
  if (m != NULL) {
    CHECK_STATUS(inlay_model_set_weight(m, 0, kernel, 12), INLAY_OK);
    CHECK_STATUS(inlay_model_set_weight(m, 1, bias, 3), INLAY_OK);
    dense_reference(dense_x, 2, kernel, bias, 4, 3, want);
    if (CHECK_STATUS(inlay_array_wrap_sparse(INLAY_FLOAT32, dims24, 2, indices, values, 3, &a), INLAY_OK)) {
      PREDICT_ALLOCATED(m, a, 2, 3, want, 1e-6);
      inlay_array_free(a);
    }
    /* A dense array for the sparse input. */
    a = NULL;
    if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, dims24, 2, (void *)dense_x, &a), INLAY_OK)) {
      ins[0] = a;
      outs[0] = NULL;
      if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_INVALID_ARGUMENT)) {
        CHECK_CONTAINS(inlay_last_error(), "sparse");
      }
      CHECK(outs[0] == NULL);
      inlay_array_free(a);
    }
    inlay_model_free(m);
  }

  /* Ragged: Dense on the flat values; the output is ragged with the input's row_splits. */
  m = NULL;
  g = NULL;
  if (!CHECK_STATUS(inlay_graph_create(&g), INLAY_OK)) return;
  if (CHECK_STATUS(inlay_input(g, "{\"shape\":[null,4],\"ragged\":true}", NULL, NULL, &x), INLAY_OK) &&
      CHECK_STATUS(inlay_layer_create(g, "Dense", "{\"units\":3}", &dense), INLAY_OK) &&
      CHECK_STATUS(inlay_layer_call(dense, &x, 1, &y, 1, &n), INLAY_OK)) {
    CHECK_STATUS(inlay_model_create(g, &x, 1, &y, 1, NULL, &m), INLAY_OK);
  }
  inlay_graph_free(g);
  if (m == NULL) return;
  CHECK_STATUS(inlay_model_set_weight(m, 0, kernel, 12), INLAY_OK);
  CHECK_STATUS(inlay_model_set_weight(m, 1, bias, 3), INLAY_OK);
  dense_reference(flat, 3, kernel, bias, 4, 3, want);
  a = NULL;
  if (CHECK_STATUS(inlay_array_wrap_ragged(INLAY_FLOAT32, flat, flat_dims, 2, splits, 3, &a), INLAY_OK)) {
    size_t n_splits = 0;
    int flat_rank = 0;
    const int64_t *got_splits;
    static const int64_t out_flat_dims[] = {3, 3};
    ins[0] = a;
    outs[0] = NULL;
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_OK) && CHECK(outs[0] != NULL)) {
      CHECK(inlay_array_kind_of(outs[0]) == INLAY_ARRAY_RAGGED);
      CHECK(inlay_array_rank(outs[0]) == 3);
      CHECK(dims_equal(inlay_array_dims(outs[0]), ragged_dims, 3));
      CHECK(dims_equal(inlay_array_flat_dims(outs[0], &flat_rank), out_flat_dims, 2));
      CHECK(flat_rank == 2);
      got_splits = inlay_array_row_splits(outs[0], &n_splits);
      CHECK(n_splits == 3 && dims_equal(got_splits, splits, 3));
      CHECK(got_splits != splits); /* the library's copy */
      VALUES_CLOSE((const float *)inlay_array_data(outs[0]), want, 9, 1e-6);
      inlay_array_free(outs[0]);
    }
    /* In place: a ragged output with other row_splits is refused, its buffer untouched. */
    {
      float out_flat[9];
      inlay_array *o = NULL;
      fill_floats(out_flat, 9, -42.0f);
      if (CHECK_STATUS(inlay_array_wrap_ragged(INLAY_FLOAT32, out_flat, out_flat_dims, 2, other_splits, 3, &o),
                       INLAY_OK)) {
        outs[0] = o;
        CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_SHAPE_MISMATCH);
        CHECK(all_floats_equal(out_flat, 9, -42.0f));
        inlay_array_free(o);
      }
      o = NULL;
      if (CHECK_STATUS(inlay_array_wrap_ragged(INLAY_FLOAT32, out_flat, out_flat_dims, 2, splits, 3, &o), INLAY_OK)) {
        outs[0] = o;
        if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_OK)) VALUES_CLOSE(out_flat, want, 9, 1e-6);
        inlay_array_free(o);
      }
    }
    inlay_array_free(a);
  }
  /* A dense array for the ragged input. */
  a = NULL;
  if (CHECK_STATUS(inlay_array_wrap(INLAY_FLOAT32, flat_dims, 2, (void *)flat, &a), INLAY_OK)) {
    ins[0] = a;
    outs[0] = NULL;
    if (CHECK_STATUS(inlay_model_predict(m, ins, 1, outs, 1), INLAY_INVALID_ARGUMENT)) {
      CHECK_CONTAINS(inlay_last_error(), "ragged");
    }
    CHECK(outs[0] == NULL);
    inlay_array_free(a);
  }
  inlay_model_free(m);
}

/* ---------------------------------------------------------------------------------------------------------
 * inlay_model_load_with_options: the caller's cap on weight memory
 * ------------------------------------------------------------------------------------------------------- */

/* A TensorFlow.js model written here: Dense(1) on 2 features, kernel [[0.5], [-2]] and bias [0.25], i.e.
 * 3 float32 values = 12 bytes of weights, in one little-endian shard next to model.json. Returns 1 when
 * both files were written; model_json receives model.json's path, shard its shard's. */
static int write_tiny_tfjs_model(char *model_json, char *shard, size_t size) {
  static const unsigned char weights[12] = {0x00, 0x00, 0x00, 0x3f,  /* 0.5f */
                                            0x00, 0x00, 0x00, 0xc0,  /* -2.0f */
                                            0x00, 0x00, 0x80, 0x3e}; /* 0.25f */
  const char *name;
  FILE *f;
  int ok;
  temp_path(shard, size, ".bin");
  temp_path(model_json, size, ".json");
  name = strrchr(shard, '/') + 1; /* shards are named relative to model.json's directory (both in /tmp) */
  f = fopen(shard, "wb");
  if (f == NULL) return 0;
  ok = fwrite(weights, 1, sizeof weights, f) == sizeof weights;
  ok = fclose(f) == 0 && ok;
  f = fopen(model_json, "wb");
  if (f == NULL) return 0;
  ok = fprintf(f,
               "{\"format\": \"layers-model\", \"modelTopology\": {\"class_name\": \"Sequential\", \"config\": "
               "{\"name\": \"tiny\", \"layers\": [{\"class_name\": \"InputLayer\", \"config\": "
               "{\"batch_input_shape\": [null, 2], \"name\": \"x\"}}, {\"class_name\": \"Dense\", \"config\": "
               "{\"name\": \"dense\", \"units\": 1}}]}}, \"weightsManifest\": [{\"paths\": [\"%s\"], "
               "\"weights\": [{\"name\": \"dense/kernel\", \"shape\": [2, 1], \"dtype\": \"float32\"}, "
               "{\"name\": \"dense/bias\", \"shape\": [1], \"dtype\": \"float32\"}]}]}",
               name) > 0 && ok;
  return fclose(f) == 0 && ok;
}

/* options_json must make the load fail with this status and a message holding needle; *out untouched. */
static void load_with_options_fails_impl(const char *path, const char *options_json, inlay_status expected,
                                         const char *needle, int line) {
  inlay_model *m = (inlay_model *)SENTINEL;
  const inlay_status st = inlay_model_load_with_options(path, options_json, &m);
  if (check_status_impl(st, expected, options_json, __FILE__, line)) {
    check_contains_impl(inlay_last_error(), needle, "inlay_last_error()", __FILE__, line);
  }
  check_impl(m == (inlay_model *)SENTINEL, "*out left untouched on failure", __FILE__, line);
  if (st == INLAY_OK && m != (inlay_model *)SENTINEL) inlay_model_free(m);
}
#define LOAD_WITH_OPTIONS_FAILS(path, options_json, status, needle) \
  load_with_options_fails_impl((path), (options_json), (status), (needle), __LINE__)

/* Loads with these options and checks the weights are the file's. */
static void load_with_options_ok_impl(const char *path, const char *options_json, int line) {
  inlay_model *m = NULL;
  float kernel[2] = {0, 0};
  float bias[1] = {0};
  if (!check_status_impl(inlay_model_load_with_options(path, options_json, &m), INLAY_OK,
                         options_json != NULL ? options_json : "(NULL options)", __FILE__, line)) {
    return;
  }
  check_impl(inlay_model_weight_count(m) == 2, "two weights", __FILE__, line);
  check_impl(inlay_model_get_weight(m, 0, kernel, 2) == INLAY_OK && kernel[0] == 0.5f && kernel[1] == -2.0f,
             "the kernel is the file's", __FILE__, line);
  check_impl(inlay_model_get_weight(m, 1, bias, 1) == INLAY_OK && bias[0] == 0.25f, "the bias is the file's",
             __FILE__, line);
  inlay_model_free(m);
}
#define LOAD_WITH_OPTIONS_OK(path, options_json) load_with_options_ok_impl((path), (options_json), __LINE__)

static void test_load_with_options(void) {
  char model_json[256];
  char shard[256];
  inlay_model *m = NULL;
  CHECK_NULL_ARG(inlay_model_load_with_options(NULL, "{}", &m), "inlay_model_load_with_options", "path");
  CHECK_NULL_ARG(inlay_model_load_with_options("model.keras", "{}", NULL), "inlay_model_load_with_options", "out");
  if (!CHECK(write_tiny_tfjs_model(model_json, shard, sizeof model_json))) return;

  /* The defaults: NULL, {}, null. */
  LOAD_WITH_OPTIONS_OK(model_json, NULL);
  LOAD_WITH_OPTIONS_OK(model_json, "{}");
  LOAD_WITH_OPTIONS_OK(model_json, "{\"max_weight_bytes\": null}");
  /* A limit of exactly the weights' 12 bytes loads; 11 (or 0) is OUT_OF_MEMORY before any weight is read,
   * naming both sizes. */
  LOAD_WITH_OPTIONS_OK(model_json, "{\"max_weight_bytes\": 12}");
  LOAD_WITH_OPTIONS_OK(model_json, "{\"max_weight_bytes\": 18446744073709551615}");
  LOAD_WITH_OPTIONS_FAILS(model_json, "{\"max_weight_bytes\": 11}", INLAY_OUT_OF_MEMORY,
                          "weights take 12 bytes as float32, more than this load's limit of 11 bytes");
  LOAD_WITH_OPTIONS_FAILS(model_json, "{\"max_weight_bytes\": 0}", INLAY_OUT_OF_MEMORY, "limit of 0 bytes");
  /* Options that are not options. */
  LOAD_WITH_OPTIONS_FAILS(model_json, "{\"max_weights_bytes\": 12}", INLAY_INVALID_ARGUMENT, "'max_weights_bytes'");
  LOAD_WITH_OPTIONS_FAILS(model_json, "[12]", INLAY_INVALID_ARGUMENT, "must be a JSON object");
  LOAD_WITH_OPTIONS_FAILS(model_json, "{\"max_weight_bytes\": -1}", INLAY_INVALID_ARGUMENT, "max_weight_bytes");
  LOAD_WITH_OPTIONS_FAILS(model_json, "{\"max_weight_bytes\": 1.5}", INLAY_INVALID_ARGUMENT, "max_weight_bytes");
  LOAD_WITH_OPTIONS_FAILS(model_json, "{\"max_weight_bytes\": \"12\"}", INLAY_INVALID_ARGUMENT, "max_weight_bytes");
  LOAD_WITH_OPTIONS_FAILS(model_json, "{\"max_weight_bytes\": 18446744073709551616}", INLAY_INVALID_ARGUMENT,
                          "max_weight_bytes");
  LOAD_WITH_OPTIONS_FAILS(model_json, "{max_weight_bytes: 12}", INLAY_PARSE_ERROR, "inlay_model_load_with_options");
  /* The file's own errors are inlay_model_load's. */
  LOAD_WITH_OPTIONS_FAILS("/nonexistent/dir/model.json", "{}", INLAY_IO_ERROR, "/nonexistent/dir/model.json");
  remove(model_json);
  remove(shard);
}

int main(void) {
  test_basics(); /* first: checks inlay_last_error() before any failure */
  test_dtypes();
  test_specs();
  test_input();
  test_layers();
  test_null_arguments();
  test_models();
  test_load_with_options();
  test_arrays();
  test_npy();
  test_predict();
  test_predict_two_outputs();
  test_predict_sparse_ragged();
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
