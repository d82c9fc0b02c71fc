/*
 * inlay — Keras's model-definition front door (Input / InputLayer / TypeSpec and the placeholder graph)
 * for native code, behind a stable C ABI.
 *
 * Conventions (see also README.md, "The C ABI"):
 *  - Every fallible function returns an inlay_status; INLAY_OK is 0. On failure, inlay_last_error() returns
 *    this thread's message for the last failed call (Keras's own message text where Keras raises one).
 *    No C++ exception ever crosses this interface. Out-parameters are left untouched on failure.
 *  - Handles are opaque. Functions named *_create / *_from_* give an owned handle, released with the matching
 *    *_free, which accepts NULL. inlay_tensor and inlay_layer handles are borrowed from their graph and live
 *    as long as it.
 *  - Dimensions are int64_t; INLAY_DIM_NONE (-1) is Keras's None. A rank of -1 means unknown rank.
 *  - Strings in are UTF-8 and copied. Borrowed strings out (const char *) live as long as their handle;
 *    strings made for the caller (char **out) are released with inlay_free.
 *  - JSON objects carry Keras keyword arguments and layer configs.
 *  - Thread safety: every function may be called from any thread; a graph must not be mutated from two
 *    threads at once (graphs are independent of each other).
 *
 * This header is C99 and self-contained.
 */
#ifndef INLAY_INLAY_H
#define INLAY_INLAY_H

#include <stddef.h>
#include <stdint.h>

/* Version of this header. The library's own version is inlay_version(); the SONAME carries the major. */
#define INLAY_VERSION_MAJOR 0
#define INLAY_VERSION_MINOR 1
#define INLAY_VERSION_PATCH 0
#define INLAY_VERSION_NUMBER (INLAY_VERSION_MAJOR * 10000 + INLAY_VERSION_MINOR * 100 + INLAY_VERSION_PATCH)

/* INLAY_API marks the exported functions; everything else in the library is hidden. Define INLAY_STATIC
 * when linking the static library. */
#if defined(INLAY_STATIC)
#define INLAY_API
#elif defined(_WIN32)
#if defined(INLAY_BUILDING_LIBRARY)
#define INLAY_API __declspec(dllexport)
#else
#define INLAY_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define INLAY_API __attribute__((visibility("default")))
#else
#define INLAY_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------------
 * Status, errors, version, memory
 * ------------------------------------------------------------------------------------------------------- */

typedef enum inlay_status {
  INLAY_OK = 0,
  INLAY_INVALID_ARGUMENT,
  INLAY_SHAPE_MISMATCH,
  INLAY_NOT_FOUND,
  INLAY_UNSUPPORTED,
  INLAY_PARSE_ERROR,
  INLAY_IO_ERROR,
  INLAY_OUT_OF_MEMORY,
  INLAY_INTERNAL_ERROR
} inlay_status;

/* This thread's message for the last failed call; "" if none failed yet. Valid until this thread's next
 * failing call. Never NULL. */
INLAY_API const char *inlay_last_error(void);

/* "INLAY_OK", "INLAY_INVALID_ARGUMENT", ...; "INLAY_UNKNOWN_STATUS" for values outside the enum. */
INLAY_API const char *inlay_status_name(inlay_status s);

/* The library's version, "MAJOR.MINOR.PATCH". Static storage. */
INLAY_API const char *inlay_version(void);

/* Releases a string or buffer the library made for the caller (every char ** out-parameter). NULL-safe. */
INLAY_API void inlay_free(void *p);

/* A JSON object describing the execution runtime: {"onednn_version":"2.6.3","engine":"cpu","cpu_engines":1,
 * "cpu_isa":"avx2","cpu_runtime":"omp","hardware_threads":N}. Creating the oneDNN CPU engine is part of the call, so an error here
 * means inference cannot run. The caller frees *json_out with inlay_free. */
INLAY_API inlay_status inlay_runtime_info(char **json_out);

/* ---------------------------------------------------------------------------------------------------------
 * Data types
 * ------------------------------------------------------------------------------------------------------- */

typedef enum inlay_dtype {
  INLAY_FLOAT32 = 1,
  INLAY_FLOAT64,
  INLAY_FLOAT16,
  INLAY_BFLOAT16,
  INLAY_INT8,
  INLAY_INT16,
  INLAY_INT32,
  INLAY_INT64,
  INLAY_UINT8,
  INLAY_UINT16,
  INLAY_UINT32,
  INLAY_UINT64,
  INLAY_BOOL,
  INLAY_STRING,
  /* Keras 3's remaining dtypes (keras.backend.standardize_dtype accepts them). */
  INLAY_FLOAT8_E4M3FN,
  INLAY_FLOAT8_E5M2,
  INLAY_COMPLEX64,
  INLAY_COMPLEX128
} inlay_dtype;

/* Parses a dtype name as keras.backend.standardize_dtype does with the TensorFlow backend: the canonical
 * names ("float32", "int64", ...) and the aliases Keras maps ("int" -> int64). Unknown names:
 * INLAY_INVALID_ARGUMENT with Keras's "Invalid dtype: NAME". */
INLAY_API inlay_status inlay_dtype_parse(const char *name, inlay_dtype *out);

/* The canonical Keras name ("float32", ...); "unknown" for values outside the enum. Static storage. */
INLAY_API const char *inlay_dtype_name(inlay_dtype t);

/* Size of one element in bytes (0 for INLAY_STRING and values outside the enum). */
INLAY_API size_t inlay_dtype_size(inlay_dtype t);

#define INLAY_DIM_NONE (-1)

/* ---------------------------------------------------------------------------------------------------------
 * Type specs: tf.TensorSpec, tf.SparseTensorSpec, tf.RaggedTensorSpec
 * ------------------------------------------------------------------------------------------------------- */

typedef struct inlay_spec inlay_spec;

typedef enum inlay_spec_kind { INLAY_SPEC_TENSOR = 1, INLAY_SPEC_SPARSE, INLAY_SPEC_RAGGED } inlay_spec_kind;

/* Builds a spec from JSON, validated as TensorFlow's constructors validate:
 *   {"kind":"tensor","shape":[null,32],"dtype":"float32","name":"x"}
 *   {"kind":"sparse","shape":[null,1000],"dtype":"float32"}
 *   {"kind":"ragged","shape":[null,null,8],"dtype":"float32","ragged_rank":1,"row_splits_dtype":"int64",
 *    "flat_values_spec":{"kind":"tensor",...}}
 * "shape": null (or absent) is an unknown rank; "dtype" left out is float32. Malformed JSON or a value that
 * is not an object: INLAY_PARSE_ERROR; TensorFlow's validation errors: INLAY_INVALID_ARGUMENT with its
 * message. Also accepted: tf.keras's serialized form {"class_name":"TypeSpec","type_spec":"tf.TensorSpec",
 * "serialized":...} and
 * {"class_name":"TensorSpec"|"SparseTensorSpec"|"RaggedTensorSpec","config":{...}}.
 * The caller frees *out with inlay_spec_free. */
INLAY_API inlay_status inlay_spec_from_json(const char *json, inlay_spec **out);

/* The JSON form above, every field present. The caller frees *out with inlay_free. */
INLAY_API inlay_status inlay_spec_to_json(const inlay_spec *s, char **out);

INLAY_API void inlay_spec_free(inlay_spec *s);

/* 0 for a NULL spec. */
INLAY_API inlay_spec_kind inlay_spec_kind_of(const inlay_spec *s);

/* -1: unknown rank (or NULL spec). */
INLAY_API int inlay_spec_rank(const inlay_spec *s);

/* rank entries, INLAY_DIM_NONE for unknown dims; NULL when the rank is unknown or 0. Borrowed. */
INLAY_API const int64_t *inlay_spec_dims(const inlay_spec *s);

/* 0 for a NULL spec. */
INLAY_API inlay_dtype inlay_spec_dtype(const inlay_spec *s);

/* The TensorSpec's name, or NULL when it has none (sparse and ragged specs have none). Borrowed. */
INLAY_API const char *inlay_spec_name(const inlay_spec *s);

/* The RaggedTensorSpec's ragged_rank; -1 for other kinds. */
INLAY_API int inlay_spec_ragged_rank(const inlay_spec *s);

/* a.is_compatible_with(b) as TensorFlow decides it: same kind, same dtype (and ragged_rank / row_splits_dtype),
 * compatible shapes; names are ignored. As in TensorFlow, a ragged spec of ragged_rank 0 also accepts a
 * dense spec (one way only). 1 or 0; 0 when either is NULL. */
INLAY_API int inlay_spec_is_compatible_with(const inlay_spec *a, const inlay_spec *b);

/* TypeSpec.most_specific_compatible_type: the most specific spec both a and b are compatible with (dims that
 * differ become None, ranks that differ become an unknown rank). Specs that differ in anything but their
 * shape (kind, dtype, name, ragged_rank, ...) have none: INLAY_INVALID_ARGUMENT with TensorFlow's
 * "No TypeSpec is compatible with both ... and ...". The caller frees *out with inlay_spec_free. */
INLAY_API inlay_status inlay_spec_most_specific_compatible(const inlay_spec *a, const inlay_spec *b,
                                                           inlay_spec **out);

/* ---------------------------------------------------------------------------------------------------------
 * The placeholder graph
 * ------------------------------------------------------------------------------------------------------- */

typedef struct inlay_graph inlay_graph;   /* owns its layers and symbolic tensors; auto-names are unique in it */
typedef struct inlay_tensor inlay_tensor; /* symbolic tensor (KerasTensor), borrowed from its graph */
typedef struct inlay_layer inlay_layer;   /* borrowed from its graph */

INLAY_API inlay_status inlay_graph_create(inlay_graph **out);
INLAY_API void inlay_graph_free(inlay_graph *g);

/* keras.Input(). kwargs_json is a JSON object of Keras's keyword arguments (NULL or "" means {}):
 *   shape        list of int/null (or an int, as tf.keras accepts), batch dimension left out
 *   batch_size   int or null
 *   batch_shape  list of int/null including the batch dimension (tf.keras spelling: batch_input_shape)
 *   dtype        Keras dtype name, default "float32"
 *   sparse, ragged, optional   booleans
 *   name         string; auto-named "input_layer", "input_layer_1", ... (the tensor "keras_tensor", ...)
 *   type_spec    a spec in inlay_spec_from_json's form (tf.keras); alternatively pass the type_spec handle
 * tensor: an existing symbolic tensor of g to wrap, as Keras's tensor= argument (NULL when absent); the
 * returned handle is then that tensor, now produced by the new InputLayer, as in Keras.
 * Errors are Keras 3's ValueError/TypeError messages (tf.keras 2's for type_spec), status
 * INLAY_INVALID_ARGUMENT; INLAY_PARSE_ERROR when kwargs_json is not a JSON object. */
INLAY_API inlay_status inlay_input(inlay_graph *g, const char *kwargs_json, const inlay_spec *type_spec,
                                   const inlay_tensor *tensor, inlay_tensor **out);

/* Tensor accessors. NULL-safe: rank -1, dims NULL, dtype 0, name NULL, spec NULL, layer NULL. */
INLAY_API int inlay_tensor_rank(const inlay_tensor *t);
INLAY_API const int64_t *inlay_tensor_dims(const inlay_tensor *t);   /* borrowed; NULL for rank 0 */
INLAY_API inlay_dtype inlay_tensor_dtype(const inlay_tensor *t);
INLAY_API const char *inlay_tensor_name(const inlay_tensor *t);       /* KerasTensor.name */
INLAY_API const inlay_spec *inlay_tensor_spec(const inlay_tensor *t); /* Tensor/Sparse/RaggedTensorSpec; borrowed */
INLAY_API inlay_layer *inlay_tensor_layer(const inlay_tensor *t);     /* producing layer (InputLayer for inputs) */

/* Layers by Keras class name and config (Layer.from_config): ("InputLayer", {"batch_shape":[null,32]}).
 * InputLayer takes Keras 3's config keys and keyword arguments (shape, batch_size, batch_shape, dtype,
 * sparse, ragged, name, optional) and tf.keras 2's (input_shape, batch_input_shape, type_spec).
 * config_json NULL or "" means {}. input_tensor is not expressible in JSON: use inlay_input's tensor argument.
 * Dense takes Keras's Dense arguments (units, activation, use_bias, initializers, ...); its config errors
 * are Keras's ("Unrecognized keyword arguments passed to Dense: {...}", ...). Class names inlay does not
 * know: INLAY_UNSUPPORTED naming the class and listing the known ones. */
INLAY_API inlay_status inlay_layer_create(inlay_graph *g, const char *class_name, const char *config_json,
                                          inlay_layer **out);

/* layer(inputs): calls the layer on symbolic tensors of its graph. The first call builds the layer (its
 * weights take their shapes from the inputs); every call checks the inputs as Keras's InputSpec does,
 * infers the output shapes and dtypes, and records a node (a layer called twice is shared). Writes the
 * outputs (borrowed from the graph) into outputs[0..*n_outputs). outputs_capacity smaller than the
 * layer's output count: INLAY_INVALID_ARGUMENT, nothing called. Incompatible inputs:
 * INLAY_INVALID_ARGUMENT with Keras's message; the layer and graph are then unchanged. */
INLAY_API inlay_status inlay_layer_call(inlay_layer *l, inlay_tensor *const *inputs, size_t n_inputs,
                                        inlay_tensor **outputs, size_t outputs_capacity, size_t *n_outputs);
INLAY_API const char *inlay_layer_name(const inlay_layer *l);       /* NULL-safe: NULL */
INLAY_API const char *inlay_layer_class_name(const inlay_layer *l); /* NULL-safe: NULL */

/* layer.get_config() as JSON (Keras 3's form). The caller frees *json_out with inlay_free. */
INLAY_API inlay_status inlay_layer_get_config(const inlay_layer *l, char **json_out);

/* layer.output: the symbolic tensors the layer produced at its first node (an InputLayer's placeholder).
 * inlay_layer_output returns NULL when i is out of range. */
INLAY_API size_t inlay_layer_output_count(const inlay_layer *l);
INLAY_API inlay_tensor *inlay_layer_output(const inlay_layer *l, size_t i);

/* ---------------------------------------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------------------------------------- */

typedef struct inlay_model inlay_model;

/* keras.Model(inputs, outputs, name): the Functional model between Input tensors and outputs of g, with
 * Keras's checks ("Graph disconnected: ...", "The name \"x\" is used 2 times in the model. ...") as
 * INLAY_INVALID_ARGUMENT. Inputs must be Input() tensors (Keras 3 would clone the graph behind other
 * tensors; inlay asks for the Input tensor). name NULL: auto-named "functional", "functional_1", ...
 * The model shares g's graph: inlay_graph_free(g) may come first. Free with inlay_model_free. */
INLAY_API inlay_status inlay_model_create(inlay_graph *g, inlay_tensor *const *inputs, size_t n_inputs,
                                          inlay_tensor *const *outputs, size_t n_outputs, const char *name,
                                          inlay_model **out);
/* keras.Sequential(layers, name): layers (of g) stacked in order, each called on the previous output. The
 * first is an InputLayer (e.g. inlay_tensor_layer of an Input() tensor) or a layer made with input_shape /
 * input_dim (an InputLayer is made for it); otherwise INLAY_UNSUPPORTED (inlay builds models eagerly).
 * Layer errors are Keras's, as for inlay_layer_call. name NULL: auto-named "sequential", ... */
INLAY_API inlay_status inlay_sequential_create(inlay_graph *g, inlay_layer *const *layers, size_t n_layers,
                                               const char *name, inlay_model **out);
/* A model from JSON: model.to_json() of Keras 3 or tf.keras 2 (Functional/Model and Sequential; tf.keras's
 * batch_input_shape and old inbound_nodes lists are read as Keras 3's legacy loader reads them), a Keras
 * file's {"model_config": ...}, or a TensorFlow.js model.json ({"modelTopology": ...}). Layers are created
 * from their configs and called again, so every check runs as in Keras. Weights are zero.
 * Malformed JSON or no model config: INLAY_PARSE_ERROR; a layer class inlay lacks: INLAY_UNSUPPORTED. */
INLAY_API inlay_status inlay_model_from_json(const char *json, inlay_model **out);
/* A model and its weights from a file, recognized by its content:
 *  - a Keras 3 .keras file (the zip model.save() writes: config.json, metadata.json, model.weights.h5);
 *  - a Keras HDF5 .h5 file (tf.keras 2's model.save("m.h5"): the model_config attribute and model_weights),
 *    only when the environment sets INLAY_TRUSTED_H5=1 (INLAY_UNSUPPORTED otherwise): their
 *    variable-length string attributes are read by HDF5 1.10, which can crash on crafted files (.keras
 *    files need no such reads), so this is for files the caller trusts;
 *  - a TensorFlow.js layers model: the path of its model.json, or of the directory holding it; the weight
 *    shards it lists (relative to model.json, never outside its directory) are read, and uint8 / uint16 /
 *    float16 quantized weights are dequantized to float32.
 * The model is rebuilt from its config as inlay_model_from_json does, then every weight of
 * model.weights is filled from the file (as float32, see inlay_model_get_weight), found as Keras finds it:
 * .keras by the layer's place in model.layers (layers/<snake_case class>_<n>/vars/<i>), .h5 by layer name
 * and the layer's weight_names, tfjs by weight name ("dense/kernel"). Every weight must be there, with
 * the model's shape, and the file may hold no others. On success *out is a new model, freed with
 * inlay_model_free; on failure *out is untouched and nothing is kept. Sizes are checked against the model
 * before anything is read, and errors name the file and what was wrong:
 *   INLAY_IO_ERROR        the file, or a shard it lists, cannot be opened or read;
 *   INLAY_PARSE_ERROR     malformed contents: not a zip / HDF5 / JSON, a missing member or group,
 *                         truncated data, a weight the file lacks or holds without a place in the model,
 *                         a shard path leaving the model's directory;
 *   INLAY_SHAPE_MISMATCH  a weight whose shape or element count differs from the model's;
 *   INLAY_UNSUPPORTED     a layer class or a format variant inlay does not read (tfjs graph models, ...);
 *   and the errors of inlay_model_from_json for the model config itself. */
INLAY_API inlay_status inlay_model_load(const char *path, inlay_model **out);
INLAY_API void inlay_model_free(inlay_model *m);

/* NULL-safe accessors (0 / NULL). Borrowed handles live as long as the model. */
INLAY_API const char *inlay_model_name(const inlay_model *m);
INLAY_API size_t inlay_model_input_count(const inlay_model *m);
INLAY_API size_t inlay_model_output_count(const inlay_model *m);
INLAY_API const inlay_tensor *inlay_model_input(const inlay_model *m, size_t i);
INLAY_API const inlay_tensor *inlay_model_output(const inlay_model *m, size_t i);
/* model.layers, in Keras's order (InputLayers first, then by depth). */
INLAY_API size_t inlay_model_layer_count(const inlay_model *m);
INLAY_API inlay_layer *inlay_model_layer(const inlay_model *m, size_t i);

/* model.weights, in Keras's order: per layer, trainable weights then non-trainable ones. Values are
 * float32, zero until set. weight_info gives the path ("dense/kernel"), rank and dims (borrowed; any of the
 * out-pointers may be NULL). Index out of range: INLAY_NOT_FOUND. set/get copy exactly n_elements values
 * (the product of the dims, else INLAY_SHAPE_MISMATCH naming the weight and its shape). */
INLAY_API size_t inlay_model_weight_count(const inlay_model *m);
INLAY_API inlay_status inlay_model_weight_info(const inlay_model *m, size_t i, const char **name, int *rank,
                                               const int64_t **dims);
INLAY_API inlay_status inlay_model_set_weight(inlay_model *m, size_t i, const float *data, size_t n_elements);
INLAY_API inlay_status inlay_model_get_weight(const inlay_model *m, size_t i, float *data, size_t n_elements);

/* model.to_json() in Keras 3's form. The caller frees *json_out with inlay_free. */
INLAY_API inlay_status inlay_model_to_json(const inlay_model *m, char **json_out);

/* model.summary() as Keras 3 prints it to a print_fn: plain text (no colour) of the "Model:" line, the
 * layer table drawn with box characters (UTF-8) and the "Total params" lines, ending with a newline. The
 * widths are Keras's defaults on a wide terminal: 88 characters, or 108 with the "Connected to" column of
 * models that are not a plain stack of layers. The caller frees *text_out with inlay_free. */
INLAY_API inlay_status inlay_model_summary(const inlay_model *m, char **text_out);

/* ---------------------------------------------------------------------------------------------------------
 * Concrete arrays and inference
 * ------------------------------------------------------------------------------------------------------- */

/* A concrete array: dense (row-major, C order), sparse (tf.SparseTensor's COO form) or ragged (a
 * tf.RaggedTensor of ragged_rank 1: flat values plus row_splits). An owned array holds its data; a
 * wrapped one borrows the caller's buffers, which must outlive it (zero-copy). */
typedef struct inlay_array inlay_array;

typedef enum inlay_array_kind { INLAY_ARRAY_DENSE = 1, INLAY_ARRAY_SPARSE, INLAY_ARRAY_RAGGED } inlay_array_kind;

/* An owned dense array of these dims (rank 0..INLAY_MAX_RANK, every dim >= 0), zero-filled. Dims whose
 * byte size overflows: INLAY_INVALID_ARGUMENT; allocation failure: INLAY_OUT_OF_MEMORY. */
INLAY_API inlay_status inlay_array_create(inlay_dtype t, const int64_t *dims, int rank, inlay_array **out);
/* A dense array over the caller's data (not copied, not freed; data may be NULL only when it has no elements). */
INLAY_API inlay_status inlay_array_wrap(inlay_dtype t, const int64_t *dims, int rank, void *data, inlay_array **out);
/* A sparse array: dense_dims (rank entries), indices (nnz x rank int64, row-major, each in range, in any
 * order; duplicates are summed where it is consumed, as tf.sparse ops do) and nnz values of dtype t.
 * The indices are checked here: out of range -> INLAY_INVALID_ARGUMENT naming the entry. Borrowed. */
INLAY_API inlay_status inlay_array_wrap_sparse(inlay_dtype t, const int64_t *dense_dims, int rank,
                                               const int64_t *indices, const void *values, size_t nnz,
                                               inlay_array **out);
/* A ragged array of ragged_rank 1: flat_values of dims flat_dims (flat_rank >= 1), row_splits of
 * n_row_splits >= 1 entries, starting at 0, non-decreasing, ending at flat_dims[0]. Its dims are
 * (n_row_splits - 1, INLAY_DIM_NONE, flat_dims[1:]...). Borrowed. */
INLAY_API inlay_status inlay_array_wrap_ragged(inlay_dtype t, const void *flat_values, const int64_t *flat_dims,
                                               int flat_rank, const int64_t *row_splits, size_t n_row_splits,
                                               inlay_array **out);
/* Loads a NumPy .npy file (format 1.0-3.0, C or Fortran order, little- or big-endian bool / int / uint /
 * float16/32/64 / complex) into an owned dense array. Errors: INLAY_IO_ERROR, INLAY_PARSE_ERROR naming
 * what was malformed, INLAY_UNSUPPORTED for object arrays and dtypes inlay has no name for. */
INLAY_API inlay_status inlay_array_load_npy(const char *path, inlay_array **out);
/* Writes a dense array as a .npy file (format 1.0, C order) that numpy.load reads. */
INLAY_API inlay_status inlay_array_save_npy(const inlay_array *a, const char *path);
INLAY_API void inlay_array_free(inlay_array *a);

#define INLAY_MAX_RANK 8

/* NULL-safe accessors (NULL / -1 / 0). Dense: the elements. Sparse: the nnz values. Ragged: the flat values. */
INLAY_API void *inlay_array_data(const inlay_array *a);
INLAY_API inlay_array_kind inlay_array_kind_of(const inlay_array *a);
/* The logical dims (a sparse array's dense_dims; a ragged array's (rows, INLAY_DIM_NONE, ...)). Borrowed. */
INLAY_API int inlay_array_rank(const inlay_array *a);
INLAY_API const int64_t *inlay_array_dims(const inlay_array *a);
INLAY_API inlay_dtype inlay_array_dtype(const inlay_array *a);
/* Elements in the data buffer: the product of the dims (dense), nnz (sparse), product of flat_dims (ragged). */
INLAY_API size_t inlay_array_element_count(const inlay_array *a);
/* Ragged only (NULL otherwise): the row_splits and the flat values' dims. Borrowed. */
INLAY_API const int64_t *inlay_array_row_splits(const inlay_array *a, size_t *n_row_splits);
INLAY_API const int64_t *inlay_array_flat_dims(const inlay_array *a, int *flat_rank);
/* Sparse only (NULL otherwise): the nnz x rank indices. Borrowed. */
INLAY_API const int64_t *inlay_array_sparse_indices(const inlay_array *a, size_t *nnz);

/* model.predict on one batch, on the CPU through oneDNN. inputs: one array per model input, in
 * inlay_model_input order, each of the input's dtype and of a shape compatible with it (a sparse array
 * for a sparse Input, a ragged one for a ragged Input). outputs: n_outputs == inlay_model_output_count;
 * outputs[i] == NULL: the library allocates it (the caller frees it with inlay_array_free); otherwise it
 * is written in place and must have exactly the output's dims and dtype. Everything is checked before
 * anything is computed, so on failure no output is written or allocated:
 *   INLAY_INVALID_ARGUMENT  NULL pointers, wrong counts, a dtype or array kind the input does not take;
 *   INLAY_SHAPE_MISMATCH    Keras's message: Input 0 of layer "functional" is incompatible with the layer:
 *                           expected shape=(None, 32), found shape=(2, 5) (and the same for outputs);
 *   INLAY_UNSUPPORTED       a layer option inlay does not run (the message names the layer and option).
 * The first call for a given set of input dims compiles an execution plan (oneDNN primitives, weights
 * reordered once, a memory plan); later calls with those dims reuse it and allocate nothing of their own.
 * Safe to call from many threads at once on one model. inlay_model_set_weight drops the compiled plans. */
INLAY_API inlay_status inlay_model_predict(inlay_model *m, const inlay_array *const *inputs, size_t n_inputs,
                                           inlay_array **outputs, size_t n_outputs);

/* Compiles (and caches) the execution plan for inputs of these arrays' dims without running it, so the
 * first predict is as fast as later ones. Same checks as inlay_model_predict. */
INLAY_API inlay_status inlay_model_prepare(inlay_model *m, const inlay_array *const *inputs, size_t n_inputs);

/* Threads each predict call uses. 0 (the default) means the INLAY_NUM_THREADS environment variable if it
 * is set, else every core. Not to be called while another thread predicts on m. */
INLAY_API inlay_status inlay_model_set_num_threads(inlay_model *m, int n_threads);
INLAY_API int inlay_model_num_threads(const inlay_model *m); /* the effective count; 0 for NULL */

typedef enum inlay_precision {
  INLAY_PRECISION_FLOAT32 = 0, /* the default: float32 everywhere, Keras's results to ~1e-6 */
  INLAY_PRECISION_BFLOAT16     /* Dense and Conv in bfloat16 with float32 accumulation (opt-in, faster) */
} inlay_precision;
/* INLAY_UNSUPPORTED when this CPU has no bfloat16 instructions. Drops the compiled plans. */
INLAY_API inlay_status inlay_model_set_precision(inlay_model *m, inlay_precision p);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* INLAY_INLAY_H */
