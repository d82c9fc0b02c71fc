/* C helpers for the cgo binding (helpers.c). Each wraps one fallible inlay call and, when it fails, copies
 * inlay_last_error() into *err (malloc'd; the Go side frees it) before returning: see errors.go for why the
 * call and the error read must happen inside one cgo call. */
#ifndef INLAY_GO_HELPERS_H
#define INLAY_GO_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "inlay/inlay.h"

inlay_status igo_runtime_info(char **json_out, char **err);

inlay_status igo_model_load(const char *path, const char *options_json, inlay_model **out, char **err);
inlay_status igo_model_from_json(const char *json, inlay_model **out, char **err);
inlay_status igo_model_summary(const inlay_model *m, char **text_out, char **err);
inlay_status igo_model_to_json(const inlay_model *m, char **json_out, char **err);
inlay_status igo_model_set_num_threads(inlay_model *m, int n, char **err);
inlay_status igo_model_set_precision(inlay_model *m, int p, char **err);
inlay_status igo_model_weight_info(const inlay_model *m, size_t i, const char **name, int *rank, const int64_t **dims,
                                   char **err);
inlay_status igo_model_get_weight(const inlay_model *m, size_t i, float *data, size_t n, char **err);
inlay_status igo_model_set_weight(inlay_model *m, size_t i, const float *data, size_t n, char **err);
inlay_status igo_model_load_weights(inlay_model *m, const char *path, char **err);

/* Wraps n_inputs float32 arrays that lie one after another in data (input k starts at offsets[k]; its
 * ranks[k] dims follow the previous inputs' dims in dims), runs inlay_model_predict with library-allocated
 * outputs, and releases the wrappers. outputs receives n_outputs arrays owned by the caller. */
inlay_status igo_model_predict(inlay_model *m, float *data, const size_t *offsets, const int64_t *dims, const int *ranks,
                               size_t n_inputs, inlay_array **outputs, size_t n_outputs, char **err);

inlay_status igo_graph_create(inlay_graph **out, char **err);
inlay_status igo_input(inlay_graph *g, const char *kwargs_json, inlay_tensor **out, char **err);
inlay_status igo_layer_create(inlay_graph *g, const char *class_name, const char *config_json, inlay_layer **out,
                              char **err);
inlay_status igo_layer_call(inlay_layer *l, inlay_tensor *const *inputs, size_t n_inputs, inlay_tensor **outputs,
                            size_t capacity, size_t *n_outputs, char **err);
inlay_status igo_layer_get_config(const inlay_layer *l, char **json_out, char **err);
inlay_status igo_model_create(inlay_graph *g, inlay_tensor *const *inputs, size_t n_inputs,
                              inlay_tensor *const *outputs, size_t n_outputs, const char *name, inlay_model **out,
                              char **err);
inlay_status igo_sequential_create(inlay_graph *g, inlay_layer *const *layers, size_t n_layers, const char *name,
                                   inlay_model **out, char **err);

/* Reads this thread's last error without any call before it in the same cgo call: only for the test that
 * shows why the helpers above exist (errors_test.go). */
char *igo_last_error_copy(void);

#endif
