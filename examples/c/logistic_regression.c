/*
 * The Keras docs' logistic regression, through inlay's C ABI (C99):
 *
 *     x = keras.Input(shape=(32,))
 *     y = keras.layers.Dense(16, activation="softmax")(x)
 *     model = keras.Model(x, y)
 *
 * The model is built through the C ABI and given known weights, or loaded from a file given on the command
 * line (e.g. a .keras file a Keras script saved). A batch is predicted and the result is checked against
 * softmax(x @ W + b) computed right here in double precision; the program exits non-zero on a mismatch.
 * It also shows one deliberate error: an input of the wrong shape, and Keras's message for it.
 *
 * Build against an installed inlay:  cc -std=c99 logistic_regression.c $(pkg-config --cflags --libs inlay) -lm
 * Run:                               ./logistic_regression [model.keras]
 *
 * Error handling: every inlay call that can fail returns an inlay_status (INLAY_OK is 0); on failure
 * inlay_last_error() holds this thread's message. Every handle and string the library makes for us is
 * released on every path, through the single `cleanup:` label.
 */
#include <inlay/inlay.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 4, IN = 32, UNITS = 16 };

/* Runs one inlay call; on failure prints where, the status and the library's message, then leaves. */
#define CHECK(call)                                                                                       \
  do {                                                                                                    \
    inlay_status check_status_ = (call);                                                                  \
    if (check_status_ != INLAY_OK) {                                                                      \
      fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #call,                            \
              inlay_status_name(check_status_), inlay_last_error());                                      \
      goto cleanup;                                                                                       \
    }                                                                                                     \
  } while (0)

/* Builds x = Input(shape=(32,)); y = Dense(16, activation="softmax")(x); Model(x, y). */
static inlay_status build_model(inlay_model **out) {
  inlay_graph *g = NULL;
  inlay_tensor *x = NULL, *y = NULL;
  inlay_layer *dense = NULL;
  size_t n_outputs = 0;
  inlay_status s = inlay_graph_create(&g);
  /* Keras's keyword arguments cross the ABI as JSON objects. */
  if (s == INLAY_OK) s = inlay_input(g, "{\"shape\":[32]}", NULL, NULL, &x);
  if (s == INLAY_OK) s = inlay_layer_create(g, "Dense", "{\"units\":16,\"activation\":\"softmax\"}", &dense);
  if (s == INLAY_OK) s = inlay_layer_call(dense, &x, 1, &y, 1, &n_outputs); /* y: (None, 16) */
  if (s == INLAY_OK) s = inlay_model_create(g, &x, 1, &y, 1, "logistic_regression", out);
  inlay_graph_free(g); /* the model (if made) keeps the graph alive; x, y, dense stay valid through it */
  return s;
}

/* Checks that weight i of the model is called `suffix` at the end of its path and has `rank` dims `dims`. */
static int weight_is(const inlay_model *m, size_t i, const char *suffix, int rank, const int64_t *dims) {
  const char *name = NULL;
  const int64_t *got = NULL;
  int got_rank = 0;
  if (inlay_model_weight_info(m, i, &name, &got_rank, &got) != INLAY_OK || got_rank != rank) return 0;
  if (strlen(name) < strlen(suffix) || strcmp(name + strlen(name) - strlen(suffix), suffix) != 0) return 0;
  for (int k = 0; k < rank; ++k)
    if (got[k] != dims[k]) return 0;
  return 1;
}

int main(int argc, char **argv) {
  int exit_code = EXIT_FAILURE;
  inlay_model *model = NULL;
  inlay_array *x_array = NULL, *y_array = NULL, *bad_input = NULL, *bad_output = NULL;
  char *summary = NULL;
  static float W[IN * UNITS], b[UNITS], x[BATCH * IN], bad[2 * 5];
  const int64_t kernel_dims[] = {IN, UNITS}, bias_dims[] = {UNITS};

  printf("inlay %s (header %d.%d.%d)\n", inlay_version(), INLAY_VERSION_MAJOR, INLAY_VERSION_MINOR,
         INLAY_VERSION_PATCH);

  if (argc > 2) {
    fprintf(stderr, "usage: %s [model.keras | model.json of the Keras docs' logistic regression]\n", argv[0]);
    return EXIT_FAILURE;
  }
  if (argc == 2) {
    /* A model file: .keras, a TensorFlow.js model.json, ... with its weights. */
    CHECK(inlay_model_load(argv[1], &model));
    if (inlay_model_input_count(model) != 1 || inlay_model_output_count(model) != 1 ||
        inlay_model_weight_count(model) != 2 || !weight_is(model, 0, "/kernel", 2, kernel_dims) ||
        !weight_is(model, 1, "/bias", 1, bias_dims)) {
      fprintf(stderr, "%s is not the logistic regression (one Dense(16) on a (None, 32) input)\n", argv[1]);
      goto cleanup;
    }
    /* The weights the file holds, read back for the reference below. */
    CHECK(inlay_model_get_weight(model, 0, W, IN * UNITS));
    CHECK(inlay_model_get_weight(model, 1, b, UNITS));
  } else {
    CHECK(build_model(&model));
    /* model.weights is [dense/kernel (32, 16), dense/bias (16,)], zero until set. Known values: */
    for (int i = 0; i < IN * UNITS; ++i) W[i] = (float)((i * 37 % 101) - 50) / 100.0f; /* in [-0.5, 0.5] */
    for (int j = 0; j < UNITS; ++j) b[j] = (float)(j - UNITS / 2) / 20.0f;
    CHECK(inlay_model_set_weight(model, 0, W, IN * UNITS));
    CHECK(inlay_model_set_weight(model, 1, b, UNITS));
  }

  CHECK(inlay_model_summary(model, &summary)); /* Keras's model.summary() table */
  fputs(summary, stdout);

  /* A batch of 4 samples, wrapped without copying: the array borrows x. */
  for (int i = 0; i < BATCH * IN; ++i) x[i] = (float)((i * 13 % 17) - 8) / 8.0f;
  {
    const int64_t dims[] = {BATCH, IN};
    CHECK(inlay_array_wrap(INLAY_FLOAT32, dims, 2, x, &x_array));
  }

  /* model.predict: a NULL output entry receives an array that the library allocates for us. */
  {
    const inlay_array *inputs[] = {x_array};
    CHECK(inlay_model_predict(model, inputs, 1, &y_array, 1));
  }
  {
    const int64_t *dims = inlay_array_dims(y_array);
    const float *y = (const float *)inlay_array_data(y_array);
    double max_diff = 0;
    if (inlay_array_rank(y_array) != 2 || dims[0] != BATCH || dims[1] != UNITS) {
      fprintf(stderr, "unexpected output shape\n");
      goto cleanup;
    }
    /* The reference: softmax(x @ W + b) in double precision, W row-major (32, 16) as Keras stores it. */
    for (int n = 0; n < BATCH; ++n) {
      double logits[UNITS], max_logit = -HUGE_VAL, sum = 0;
      for (int j = 0; j < UNITS; ++j) {
        logits[j] = b[j];
        for (int i = 0; i < IN; ++i) logits[j] += (double)x[n * IN + i] * W[i * UNITS + j];
        if (logits[j] > max_logit) max_logit = logits[j];
      }
      for (int j = 0; j < UNITS; ++j) sum += (logits[j] = exp(logits[j] - max_logit));
      printf("sample %d\n  inlay    :", n);
      for (int j = 0; j < UNITS; ++j) printf(" %.5f", y[n * UNITS + j]);
      printf("\n  reference:");
      for (int j = 0; j < UNITS; ++j) {
        const double want = logits[j] / sum, d = fabs(y[n * UNITS + j] - want);
        printf(" %.5f", want);
        if (d > max_diff) max_diff = d;
      }
      printf("\n");
    }
    printf("max |inlay - reference| = %.3g\n", max_diff);
    if (!(max_diff <= 1e-5)) { /* written so that a NaN fails too */
      fprintf(stderr, "MISMATCH: inlay's output differs from the reference by more than 1e-5\n");
      goto cleanup;
    }
  }

  /* A deliberate error: a (2, 5) batch for a (None, 32) input. predict checks everything before it runs and
   * reports Keras's own ValueError text; nothing is allocated for the output. */
  {
    const int64_t dims[] = {2, 5};
    const inlay_array *inputs[1];
    inlay_status s;
    CHECK(inlay_array_wrap(INLAY_FLOAT32, dims, 2, bad, &bad_input));
    inputs[0] = bad_input;
    s = inlay_model_predict(model, inputs, 1, &bad_output, 1);
    printf("deliberate error: predict on a (2, 5) batch -> %s: %s\n", inlay_status_name(s), inlay_last_error());
    if (s != INLAY_SHAPE_MISMATCH || bad_output != NULL) {
      fprintf(stderr, "expected INLAY_SHAPE_MISMATCH and no output\n");
      goto cleanup;
    }
  }

  printf("OK: logistic regression matches the reference\n");
  exit_code = EXIT_SUCCESS;

cleanup:
  /* Every *_free accepts NULL, so one cleanup path serves every exit. */
  inlay_free(summary);
  inlay_array_free(bad_output);
  inlay_array_free(bad_input);
  inlay_array_free(y_array);
  inlay_array_free(x_array); /* a wrapped array: x itself is ours and stays */
  inlay_model_free(model);
  return exit_code;
}
