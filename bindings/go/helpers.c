/* See helpers.h. Every helper calls one inlay function and, on failure, copies this thread's
 * inlay_last_error() before returning to Go: the copy happens on the thread that made the call. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

/* Copies the message of a failed call into *err (NULL when malloc fails: Go then reports the status name). */
static inlay_status keep_error(inlay_status s, char **err) {
  if (s != INLAY_OK) {
    const char *msg = inlay_last_error();
    size_t n = strlen(msg) + 1;
    *err = malloc(n);
    if (*err != NULL) memcpy(*err, msg, n);
  }
  return s;
}

char *igo_last_error_copy(void) {
  const char *msg = inlay_last_error();
  size_t n = strlen(msg) + 1;
  char *copy = malloc(n);
  if (copy != NULL) memcpy(copy, msg, n);
  return copy;
}

inlay_status igo_runtime_info(char **json_out, char **err) { return keep_error(inlay_runtime_info(json_out), err); }

inlay_status igo_model_load(const char *path, const char *options_json, inlay_model **out, char **err) {
  return keep_error(inlay_model_load_with_options(path, options_json, out), err);
}

inlay_status igo_model_from_json(const char *json, inlay_model **out, char **err) {
  return keep_error(inlay_model_from_json(json, out), err);
}

inlay_status igo_model_summary(const inlay_model *m, char **text_out, char **err) {
  return keep_error(inlay_model_summary(m, text_out), err);
}

inlay_status igo_model_to_json(const inlay_model *m, char **json_out, char **err) {
  return keep_error(inlay_model_to_json(m, json_out), err);
}

inlay_status igo_model_set_num_threads(inlay_model *m, int n, char **err) {
  return keep_error(inlay_model_set_num_threads(m, n), err);
}

inlay_status igo_model_set_precision(inlay_model *m, int p, char **err) {
  return keep_error(inlay_model_set_precision(m, (inlay_precision)p), err);
}

inlay_status igo_model_weight_info(const inlay_model *m, size_t i, const char **name, int *rank, const int64_t **dims,
                                   char **err) {
  return keep_error(inlay_model_weight_info(m, i, name, rank, dims), err);
}

inlay_status igo_model_get_weight(const inlay_model *m, size_t i, float *data, size_t n, char **err) {
  return keep_error(inlay_model_get_weight(m, i, data, n), err);
}

inlay_status igo_model_set_weight(inlay_model *m, size_t i, const float *data, size_t n, char **err) {
  return keep_error(inlay_model_set_weight(m, i, data, n), err);
}

inlay_status igo_model_load_weights(inlay_model *m, const char *path, char **err) {
  return keep_error(inlay_model_load_weights(m, path), err);
}

static void free_arrays(inlay_array **arrays, size_t n) {
  for (size_t k = 0; k < n; ++k) inlay_array_free(arrays[k]);
  free(arrays);
}

inlay_status igo_model_predict(inlay_model *m, float *data, const size_t *offsets, const int64_t *dims, const int *ranks,
                               size_t n_inputs, inlay_array **outputs, size_t n_outputs, char **err) {
  /* calloc(0) may return NULL; ask for at least one slot so NULL always means out of memory. */
  inlay_array **inputs = calloc(n_inputs > 0 ? n_inputs : 1, sizeof *inputs);
  if (inputs == NULL) {
    *err = NULL;
    return INLAY_OUT_OF_MEMORY;
  }
  const int64_t *input_dims = dims;
  for (size_t k = 0; k < n_inputs; ++k) {
    /* Go passes no data pointer when every input is empty; the library accepts NULL for 0 elements. */
    float *input_data = data != NULL ? data + offsets[k] : NULL;
    inlay_status s = inlay_array_wrap(INLAY_FLOAT32, input_dims, ranks[k], input_data, &inputs[k]);
    if (s != INLAY_OK) {
      keep_error(s, err);
      free_arrays(inputs, k);
      return s;
    }
    input_dims += ranks[k] > 0 ? ranks[k] : 0;
  }
  inlay_status s = inlay_model_predict(m, (const inlay_array *const *)inputs, n_inputs, outputs, n_outputs);
  keep_error(s, err);
  free_arrays(inputs, n_inputs);
  return s;
}

inlay_status igo_graph_create(inlay_graph **out, char **err) { return keep_error(inlay_graph_create(out), err); }

inlay_status igo_input(inlay_graph *g, const char *kwargs_json, inlay_tensor **out, char **err) {
  return keep_error(inlay_input(g, kwargs_json, NULL, NULL, out), err);
}

inlay_status igo_layer_create(inlay_graph *g, const char *class_name, const char *config_json, inlay_layer **out,
                              char **err) {
  return keep_error(inlay_layer_create(g, class_name, config_json, out), err);
}

inlay_status igo_layer_call(inlay_layer *l, inlay_tensor *const *inputs, size_t n_inputs, inlay_tensor **outputs,
                            size_t capacity, size_t *n_outputs, char **err) {
  return keep_error(inlay_layer_call(l, inputs, n_inputs, outputs, capacity, n_outputs), err);
}

inlay_status igo_layer_get_config(const inlay_layer *l, char **json_out, char **err) {
  return keep_error(inlay_layer_get_config(l, json_out), err);
}

inlay_status igo_model_create(inlay_graph *g, inlay_tensor *const *inputs, size_t n_inputs,
                              inlay_tensor *const *outputs, size_t n_outputs, const char *name, inlay_model **out,
                              char **err) {
  return keep_error(inlay_model_create(g, inputs, n_inputs, outputs, n_outputs, name, out), err);
}

inlay_status igo_sequential_create(inlay_graph *g, inlay_layer *const *layers, size_t n_layers, const char *name,
                                   inlay_model **out, char **err) {
  return keep_error(inlay_sequential_create(g, layers, n_layers, name, out), err);
}
