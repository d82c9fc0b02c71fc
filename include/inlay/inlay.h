/**
 * @file inlay.h
 * @brief The inlay C ABI: Keras's model-definition front door (Input / InputLayer / TypeSpec and the
 *        placeholder graph), models and oneDNN inference, for native code.
 *
 * This header is C99 and self-contained. It is the library's only exported interface (libinlay.so.0);
 * inlay.hpp wraps it for C++.
 *
 * Conventions. Every function follows these unless its own documentation says otherwise (README.md,
 * "The C ABI", gives the reasons):
 *
 *  - **Status.** Every fallible function returns an ::inlay_status; ::INLAY_OK is 0. On failure
 *    inlay_last_error() returns this thread's message for the call (Keras's own message text where Keras
 *    raises one). No C++ exception ever crosses this interface. Out-parameters are left untouched on
 *    failure, and nothing is allocated or kept.
 *  - **Common errors.** A NULL where a handle, a string, a buffer or an out-parameter is required gives
 *    ::INLAY_INVALID_ARGUMENT ("FUNCTION: argument 'NAME' is NULL"); a list argument (inputs, outputs,
 *    layers) may be NULL when its count is 0. Any fallible function may also return
 *    ::INLAY_OUT_OF_MEMORY (an allocation failed) or ::INLAY_INTERNAL_ERROR (a bug in inlay, or oneDNN
 *    failed). A function's own list gives its other statuses.
 *  - **Owned handles.** Handles are opaque. A function that makes a handle for the caller says so; the
 *    caller releases it with the matching `*_free`, which accepts NULL.
 *  - **Borrowed handles.** ::inlay_tensor and ::inlay_layer handles belong to their graph and live as long
 *    as it; they are never freed by the caller. A model keeps the graph it was made from alive, so
 *    inlay_graph_free() may come before inlay_model_free().
 *  - **Strings.** Strings in are NUL-terminated UTF-8, read during the call and copied where kept. Borrowed
 *    strings out (`const char *`) live as long as the handle they came from; strings made for the caller
 *    (`char **`) are released with inlay_free().
 *  - **JSON.** Keras keyword arguments, layer configs, specs and models cross as JSON text, so new Keras
 *    options never need new functions. Malformed JSON gives ::INLAY_PARSE_ERROR; a JSON value of the wrong
 *    type for its key gives ::INLAY_INVALID_ARGUMENT.
 *  - **Dimensions** are int64_t; ::INLAY_DIM_NONE (-1) is Keras's None. A rank of -1 is an unknown rank.
 *  - **Accessors** (functions that return no status) accept NULL handles and then return the neutral value
 *    they document (NULL, 0 or -1). They never set the last error.
 *  - **Thread-safety.** Every function may be called from any thread; calls on independent objects never
 *    interfere, and the last error is per thread. A function documented as *mutating* an object must not
 *    run concurrently with any other call that uses that object. Every other function only reads, and
 *    reads may run concurrently with each other: inlay_model_predict() and inlay_model_prepare() may run
 *    concurrently on one model. A graph and the models made from it count as one object (they share
 *    layers and weights); a model from inlay_model_from_json() or inlay_model_load() has a graph of its own.
 */
#ifndef INLAY_INLAY_H
#define INLAY_INLAY_H

#include <stddef.h>
#include <stdint.h>

/**
 * @defgroup inlay_errors Status, errors, version and memory
 * @brief What every call returns, this thread's last error, the version, inlay_free() and the runtime.
 *
 * All functions in this group are thread-safe.
 * @{
 */

/** Major version of this header (the SONAME carries it: libinlay.so.0). The library's own version is
 *  inlay_version(). */
#define INLAY_VERSION_MAJOR 0
/** Minor version of this header. Within one major version the ABI only grows. */
#define INLAY_VERSION_MINOR 1
/** Patch version of this header. */
#define INLAY_VERSION_PATCH 0
/** The header's version as one number, MAJOR * 10000 + MINOR * 100 + PATCH (100 for 0.1.0), for
 *  preprocessor comparisons. */
#define INLAY_VERSION_NUMBER (INLAY_VERSION_MAJOR * 10000 + INLAY_VERSION_MINOR * 100 + INLAY_VERSION_PATCH)

/**
 * @def INLAY_API
 * Marks the functions the library exports; everything else in it is hidden. Empty when the includer
 * defines `INLAY_STATIC` (linking the static library libinlay.a); `__declspec(dllexport)` /
 * `__declspec(dllimport)` on Windows (the library's own build defines `INLAY_BUILDING_LIBRARY`); default
 * visibility with GCC and Clang.
 */
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

/** What a fallible function returns. The values are part of the ABI; inlay_status_name() names them. */
typedef enum inlay_status {
  INLAY_OK = 0,           /**< Success. */
  INLAY_INVALID_ARGUMENT, /**< A bad argument: a NULL pointer, a value out of range, or what Keras reports
                               as a ValueError or TypeError. */
  INLAY_SHAPE_MISMATCH,   /**< Shapes disagree: a weight's, or a predict input's or output's. */
  INLAY_NOT_FOUND,        /**< An index that names nothing (a weight index out of range). */
  INLAY_UNSUPPORTED,      /**< Valid in Keras but not something inlay does: a layer class or option, a
                               file format variant, a CPU feature. */
  INLAY_PARSE_ERROR,      /**< Malformed text or file contents: JSON, zip, HDF5, .npy. */
  INLAY_IO_ERROR,         /**< A file cannot be opened, read or written. */
  INLAY_OUT_OF_MEMORY,    /**< An allocation failed. */
  INLAY_INTERNAL_ERROR    /**< A bug in inlay, or oneDNN failed; the message says what. */
} inlay_status;

/**
 * This thread's message for its last failed call.
 *
 * @return The message; "" if no call failed on this thread yet. Never NULL. Borrowed: valid until this
 *         thread's next failing call (copy it to keep it). Successful calls leave it unchanged.
 */
INLAY_API const char *inlay_last_error(void);

/**
 * The name of a status value.
 *
 * @param s  Any value.
 * @return "INLAY_OK", "INLAY_INVALID_ARGUMENT", ...; "INLAY_UNKNOWN_STATUS" for values outside the enum.
 *         Static storage, never NULL.
 */
INLAY_API const char *inlay_status_name(inlay_status s);

/**
 * The library's version, which can differ from the header's ::INLAY_VERSION_NUMBER when the library was
 * upgraded under a program.
 *
 * @return "MAJOR.MINOR.PATCH". Static storage, never NULL.
 */
INLAY_API const char *inlay_version(void);

/**
 * Releases a string or buffer the library made for the caller (what every `char **` out-parameter
 * receives). Only for those: handles have their own `*_free`.
 *
 * @param p  What the library handed out, or NULL (nothing happens).
 */
INLAY_API void inlay_free(void *p);

/**
 * A JSON object describing the execution runtime:
 * `{"onednn_version":"2.6.3","engine":"cpu","cpu_engines":1,"cpu_isa":"avx2","cpu_runtime":"omp",
 * "hardware_threads":N}`. The call creates the oneDNN CPU engine, so an error here means inference cannot
 * run.
 *
 * @param[out] json_out  Receives the JSON text; owned by the caller, released with inlay_free().
 * @retval INLAY_OK
 * @retval INLAY_INTERNAL_ERROR    The oneDNN CPU engine cannot be created.
 * @retval INLAY_INVALID_ARGUMENT  @p json_out is NULL.
 */
INLAY_API inlay_status inlay_runtime_info(char **json_out);

/** @} */

/* ---------------------------------------------------------------------------------------------------------
 * Data types
 * ------------------------------------------------------------------------------------------------------- */

/**
 * @defgroup inlay_dtypes Data types and dimensions
 * @brief Keras's dtypes and its None dimension.
 *
 * All functions in this group are thread-safe and allocate nothing.
 * @{
 */

/** Keras's dtypes (keras.backend.standardize_dtype's names). 0 is no dtype: what accessors return for a
 *  NULL handle. */
typedef enum inlay_dtype {
  INLAY_FLOAT32 = 1, /**< "float32", the default. */
  INLAY_FLOAT64,     /**< "float64". */
  INLAY_FLOAT16,     /**< "float16" (IEEE half; arrays hold its 16-bit patterns). */
  INLAY_BFLOAT16,    /**< "bfloat16" (arrays hold its 16-bit patterns). */
  INLAY_INT8,        /**< "int8". */
  INLAY_INT16,       /**< "int16". */
  INLAY_INT32,       /**< "int32". */
  INLAY_INT64,       /**< "int64". */
  INLAY_UINT8,       /**< "uint8". */
  INLAY_UINT16,      /**< "uint16". */
  INLAY_UINT32,      /**< "uint32". */
  INLAY_UINT64,      /**< "uint64". */
  INLAY_BOOL,        /**< "bool" (one byte per element). */
  INLAY_STRING,      /**< "string": for specs and symbolic tensors; no array holds strings. */
  /* Keras 3's remaining dtypes (keras.backend.standardize_dtype accepts them). */
  INLAY_FLOAT8_E4M3FN, /**< "float8_e4m3fn" (arrays hold its 8-bit patterns). */
  INLAY_FLOAT8_E5M2,   /**< "float8_e5m2" (arrays hold its 8-bit patterns). */
  INLAY_COMPLEX64,     /**< "complex64": two float32 per element (real, imaginary). */
  INLAY_COMPLEX128     /**< "complex128": two float64 per element (real, imaginary). */
} inlay_dtype;

/**
 * Parses a dtype name as keras.backend.standardize_dtype does with the TensorFlow backend: the canonical
 * names ("float32", "int64", ...) and the aliases Keras maps ("int" -> int64).
 *
 * @param name      The name.
 * @param[out] out  Receives the dtype.
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  An unknown name (Keras's "Invalid dtype: NAME"); @p name or @p out NULL.
 */
INLAY_API inlay_status inlay_dtype_parse(const char *name, inlay_dtype *out);

/**
 * The canonical Keras name of a dtype.
 *
 * @param t  Any value.
 * @return "float32", ...; "unknown" for values outside the enum. Static storage, never NULL.
 */
INLAY_API const char *inlay_dtype_name(inlay_dtype t);

/**
 * The size of one element.
 *
 * @param t  Any value.
 * @return Bytes per element; 0 for ::INLAY_STRING and values outside the enum.
 */
INLAY_API size_t inlay_dtype_size(inlay_dtype t);

/** Keras's None: a dimension of unknown size, in dims read and written through this ABI. */
#define INLAY_DIM_NONE (-1)

/** @} */

/* ---------------------------------------------------------------------------------------------------------
 * Type specs: tf.TensorSpec, tf.SparseTensorSpec, tf.RaggedTensorSpec
 * ------------------------------------------------------------------------------------------------------- */

/**
 * @defgroup inlay_specs Type specs
 * @brief tf.TensorSpec, tf.SparseTensorSpec and tf.RaggedTensorSpec, with TensorFlow's validation.
 *
 * A spec is immutable once made, so every function here only reads it and any number of threads may use
 * one spec at once; only inlay_spec_free() must come after every other use.
 * @{
 */

/** A type spec. Owned when made by inlay_spec_from_json() or inlay_spec_most_specific_compatible()
 *  (release it with inlay_spec_free()); borrowed when lent by inlay_tensor_spec(). */
typedef struct inlay_spec inlay_spec;

/** Which TypeSpec class a spec is. 0 is no kind: what inlay_spec_kind_of() returns for NULL. */
typedef enum inlay_spec_kind { INLAY_SPEC_TENSOR = 1, INLAY_SPEC_SPARSE, INLAY_SPEC_RAGGED } inlay_spec_kind;
/** @var INLAY_SPEC_TENSOR
 *  tf.TensorSpec: a dense tensor. */
/** @var INLAY_SPEC_SPARSE
 *  tf.SparseTensorSpec: a tf.SparseTensor (COO). */
/** @var INLAY_SPEC_RAGGED
 *  tf.RaggedTensorSpec: a tf.RaggedTensor. */

/**
 * Builds a spec from JSON, validated as TensorFlow's constructors validate:
 *
 *     {"kind":"tensor","shape":[null,32],"dtype":"float32","name":"x"}
 *     {"kind":"sparse","shape":[null,1000],"dtype":"float32"}
 *     {"kind":"ragged","shape":[null,null,8],"dtype":"float32","ragged_rank":1,"row_splits_dtype":"int64",
 *      "flat_values_spec":{"kind":"tensor",...}}
 *
 * "shape" null (or absent) is an unknown rank; "dtype" left out is float32. Also accepted: tf.keras's
 * serialized forms `{"class_name":"TypeSpec","type_spec":"tf.TensorSpec","serialized":...}` and
 * `{"class_name":"TensorSpec"|"SparseTensorSpec"|"RaggedTensorSpec","config":{...}}`.
 *
 * @param json      The JSON text.
 * @param[out] out  Receives a new spec, owned by the caller: release it with inlay_spec_free().
 * @retval INLAY_OK
 * @retval INLAY_PARSE_ERROR       Malformed JSON, or a value that is not an object.
 * @retval INLAY_INVALID_ARGUMENT  TensorFlow's validation errors, with its message; @p json or @p out NULL.
 */
INLAY_API inlay_status inlay_spec_from_json(const char *json, inlay_spec **out);

/**
 * The spec in inlay_spec_from_json()'s `"kind"` form, every field present.
 *
 * @param s         The spec.
 * @param[out] out  Receives the JSON text, owned by the caller: release it with inlay_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  @p s or @p out is NULL.
 */
INLAY_API inlay_status inlay_spec_to_json(const inlay_spec *s, char **out);

/**
 * Releases a spec the caller owns. Never pass a borrowed spec (from inlay_tensor_spec()).
 *
 * @param s  The spec, or NULL (nothing happens). Mutating: no other call may use it meanwhile or after.
 */
INLAY_API void inlay_spec_free(inlay_spec *s);

/**
 * @param s  The spec (NULL-safe).
 * @return Its kind; 0 for NULL.
 */
INLAY_API inlay_spec_kind inlay_spec_kind_of(const inlay_spec *s);

/**
 * @param s  The spec (NULL-safe).
 * @return Its rank; -1 for an unknown rank or NULL.
 */
INLAY_API int inlay_spec_rank(const inlay_spec *s);

/**
 * @param s  The spec (NULL-safe).
 * @return Its rank dims, ::INLAY_DIM_NONE for unknown ones; NULL when the rank is unknown or 0, or for
 *         NULL. Borrowed: lives as long as @p s.
 */
INLAY_API const int64_t *inlay_spec_dims(const inlay_spec *s);

/**
 * @param s  The spec (NULL-safe).
 * @return Its dtype (a ragged spec's values' dtype); 0 for NULL.
 */
INLAY_API inlay_dtype inlay_spec_dtype(const inlay_spec *s);

/**
 * @param s  The spec (NULL-safe).
 * @return The TensorSpec's name; NULL when it has none (sparse and ragged specs have none), or for NULL.
 *         Borrowed: lives as long as @p s.
 */
INLAY_API const char *inlay_spec_name(const inlay_spec *s);

/**
 * @param s  The spec (NULL-safe).
 * @return The RaggedTensorSpec's ragged_rank; -1 for other kinds and NULL.
 */
INLAY_API int inlay_spec_ragged_rank(const inlay_spec *s);

/**
 * `a.is_compatible_with(b)` as TensorFlow decides it: same kind, same dtype (and ragged_rank /
 * row_splits_dtype), compatible shapes; names are ignored. As in TensorFlow, a ragged spec of ragged_rank 0
 * also accepts a dense spec (one way only).
 *
 * @param a  A spec (NULL-safe).
 * @param b  A spec (NULL-safe).
 * @return 1 when compatible, else 0; 0 when either is NULL.
 */
INLAY_API int inlay_spec_is_compatible_with(const inlay_spec *a, const inlay_spec *b);

/**
 * TypeSpec.most_specific_compatible_type: the most specific spec both @p a and @p b are compatible with
 * (dims that differ become None, ranks that differ become an unknown rank).
 *
 * @param a         A spec.
 * @param b         A spec.
 * @param[out] out  Receives a new spec, owned by the caller: release it with inlay_spec_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  The specs differ in anything but their shape (kind, dtype, name,
 *                                 ragged_rank, ...), with TensorFlow's "No TypeSpec is compatible with both
 *                                 ... and ..."; @p a, @p b or @p out NULL.
 */
INLAY_API inlay_status inlay_spec_most_specific_compatible(const inlay_spec *a, const inlay_spec *b,
                                                           inlay_spec **out);

/** @} */

/* ---------------------------------------------------------------------------------------------------------
 * The placeholder graph
 * ------------------------------------------------------------------------------------------------------- */

/**
 * @defgroup inlay_graph The placeholder graph and Input()
 * @brief The graph that owns layers and symbolic tensors, and keras.Input().
 *
 * A graph is one object for thread-safety together with the models made from it: calls that add to it are
 * mutating (see @ref inlay.h "the conventions"). Auto-names count per graph, as Keras counts them per
 * session; as in Keras, a call that fails may still have taken one.
 * @{
 */

/** The placeholder graph: owns its layers and symbolic tensors; auto-names are unique in it (graphs are
 *  independent of each other). Owned: made by inlay_graph_create(), released by inlay_graph_free(), and
 *  kept alive by every model made from it. */
typedef struct inlay_graph inlay_graph;
/** @ingroup inlay_tensors
 *  A symbolic tensor (KerasTensor), borrowed from its graph: it lives as long as the graph; never freed. */
typedef struct inlay_tensor inlay_tensor;
/** @ingroup inlay_layers
 *  A layer, borrowed from its graph: it lives as long as the graph; never freed. */
typedef struct inlay_layer inlay_layer;

/**
 * Makes an empty graph.
 *
 * @param[out] out  Receives a new graph, owned by the caller: release it with inlay_graph_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  @p out is NULL.
 */
INLAY_API inlay_status inlay_graph_create(inlay_graph **out);

/**
 * Releases the caller's graph. The graph, with its tensors and layers, lives on while a model made from it
 * does; otherwise they all go now.
 *
 * @param g  The graph, or NULL (nothing happens). Mutating.
 */
INLAY_API void inlay_graph_free(inlay_graph *g);

/**
 * keras.Input(): makes an InputLayer in @p g and returns its symbolic tensor. Validation, error messages
 * and auto-names are Keras 3's (tf.keras 2's for type_spec).
 *
 * @p kwargs_json holds Keras's keyword arguments:
 *  - `shape`: list of int / null (or an int, as tf.keras accepts), the batch dimension left out;
 *  - `batch_size`: int or null;
 *  - `batch_shape`: list of int / null including the batch dimension (tf.keras: `batch_input_shape`);
 *  - `dtype`: a Keras dtype name, default "float32";
 *  - `sparse`, `ragged`, `optional`: booleans;
 *  - `name`: string; default "input_layer", "input_layer_1", ... (the tensor "keras_tensor", ...);
 *  - `type_spec`: a spec in inlay_spec_from_json()'s form (tf.keras), or pass @p type_spec instead.
 *
 * @param g            The graph. Mutating.
 * @param kwargs_json  A JSON object; NULL or "" means {}.
 * @param type_spec    A spec to copy, as tf.keras's type_spec= (NULL when absent). Borrowed for the call.
 * @param tensor       A symbolic tensor of @p g to wrap, as Keras's tensor= (NULL when absent); the result
 *                     is then that tensor, now produced by the new InputLayer, as in Keras.
 * @param[out] out     Receives the symbolic tensor, borrowed from @p g.
 * @retval INLAY_OK
 * @retval INLAY_PARSE_ERROR       @p kwargs_json is malformed or not a JSON object.
 * @retval INLAY_INVALID_ARGUMENT  Keras's ValueError / TypeError messages (an unknown keyword, conflicting
 *                                 or invalid shapes, type_spec given twice, ...); @p g or @p out NULL.
 */
INLAY_API inlay_status inlay_input(inlay_graph *g, const char *kwargs_json, const inlay_spec *type_spec,
                                   const inlay_tensor *tensor, inlay_tensor **out);

/** @} */

/**
 * @defgroup inlay_tensors Symbolic tensors
 * @brief Accessors of KerasTensors: shape, dtype, name, spec and producing layer.
 *
 * These accessors only read (thread-safe) and accept NULL. What they return is borrowed from the tensor's
 * graph and lives as long as it.
 * @{
 */

/**
 * @param t  The tensor (NULL-safe).
 * @return Its rank; -1 for an unknown rank or NULL.
 */
INLAY_API int inlay_tensor_rank(const inlay_tensor *t);
/**
 * @param t  The tensor (NULL-safe).
 * @return Its dims, ::INLAY_DIM_NONE for unknown ones (the batch dimension usually); NULL for rank 0, an
 *         unknown rank or NULL. Borrowed.
 */
INLAY_API const int64_t *inlay_tensor_dims(const inlay_tensor *t);
/**
 * @param t  The tensor (NULL-safe).
 * @return Its dtype; 0 for NULL.
 */
INLAY_API inlay_dtype inlay_tensor_dtype(const inlay_tensor *t);
/**
 * @param t  The tensor (NULL-safe).
 * @return KerasTensor.name ("keras_tensor", "keras_tensor_1", ...); NULL for NULL. Borrowed.
 */
INLAY_API const char *inlay_tensor_name(const inlay_tensor *t);
/**
 * @param t  The tensor (NULL-safe).
 * @return Its TensorSpec, SparseTensorSpec or RaggedTensorSpec; NULL for NULL. Borrowed: never pass it to
 *         inlay_spec_free().
 */
INLAY_API const inlay_spec *inlay_tensor_spec(const inlay_tensor *t);
/**
 * @param t  The tensor (NULL-safe).
 * @return The layer that produced it (the InputLayer for an Input() tensor); NULL for NULL. Borrowed.
 */
INLAY_API inlay_layer *inlay_tensor_layer(const inlay_tensor *t);

/** @} */

/**
 * @defgroup inlay_layers Layers
 * @brief Layers by Keras class name and config, called on symbolic tensors.
 *
 * Layers belong to their graph (borrowed handles). Creating and calling a layer mutate its graph; the
 * other functions only read.
 * @{
 */

/**
 * Layer.from_config: a layer of @p g by Keras class name and config, e.g. ("InputLayer",
 * `{"batch_shape":[null,32]}`) or ("Dense", `{"units":16,"activation":"softmax"}`).
 *
 * InputLayer takes Keras 3's config keys and keyword arguments (shape, batch_size, batch_shape, dtype,
 * sparse, ragged, name, optional) and tf.keras 2's (input_shape, batch_input_shape, type_spec); its
 * input_tensor is not expressible in JSON: use inlay_input()'s tensor argument. Dense takes Keras's Dense
 * arguments (units, activation, use_bias, initializers, ...). Other layer classes take their Keras
 * arguments likewise.
 *
 * @param g            The graph. Mutating.
 * @param class_name   The Keras class name.
 * @param config_json  A JSON object; NULL or "" means {}.
 * @param[out] out     Receives the layer, borrowed from @p g.
 * @retval INLAY_OK
 * @retval INLAY_UNSUPPORTED       A class name inlay does not know (the message lists the known ones).
 * @retval INLAY_PARSE_ERROR       @p config_json is malformed or not a JSON object.
 * @retval INLAY_INVALID_ARGUMENT  Keras's config errors ("Unrecognized keyword arguments passed to Dense:
 *                                 {...}", ...); @p g, @p class_name or @p out NULL.
 */
INLAY_API inlay_status inlay_layer_create(inlay_graph *g, const char *class_name, const char *config_json,
                                          inlay_layer **out);

/**
 * `layer(inputs)`: calls the layer on symbolic tensors of its graph. The first call builds the layer (its
 * weights take their shapes from the inputs, zero-filled); every call checks the inputs as Keras's
 * InputSpec does, infers the output shapes and dtypes, and records a node (a layer called twice is
 * shared). On failure the layer and the graph are unchanged.
 *
 * @param l                 The layer. Mutates its graph.
 * @param inputs            @p n_inputs tensors of the layer's graph.
 * @param n_inputs          How many.
 * @param[out] outputs      Receives the output tensors, borrowed from the graph, in
 *                          `outputs[0 .. *n_outputs)`.
 * @param outputs_capacity  Room in @p outputs.
 * @param[out] n_outputs    Receives the output count.
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  @p outputs_capacity is smaller than the layer's output count (nothing is
 *                                 called); incompatible inputs, with Keras's message; a NULL entry or a
 *                                 tensor of another graph; @p l, @p outputs or @p n_outputs NULL.
 */
INLAY_API inlay_status inlay_layer_call(inlay_layer *l, inlay_tensor *const *inputs, size_t n_inputs,
                                        inlay_tensor **outputs, size_t outputs_capacity, size_t *n_outputs);
/**
 * @param l  The layer (NULL-safe).
 * @return layer.name; NULL for NULL. Borrowed.
 */
INLAY_API const char *inlay_layer_name(const inlay_layer *l);
/**
 * @param l  The layer (NULL-safe).
 * @return Its Keras class name ("Dense", ...); NULL for NULL. Borrowed.
 */
INLAY_API const char *inlay_layer_class_name(const inlay_layer *l);

/**
 * layer.get_config(), in Keras 3's form.
 *
 * @param l              The layer.
 * @param[out] json_out  Receives the JSON text, owned by the caller: release it with inlay_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  @p l or @p json_out is NULL.
 */
INLAY_API inlay_status inlay_layer_get_config(const inlay_layer *l, char **json_out);

/**
 * The size of layer.output: how many symbolic tensors the layer produced at its first node (an
 * InputLayer's placeholder).
 *
 * @param l  The layer (NULL-safe).
 * @return The count; 0 before the layer is first called, and for NULL.
 */
INLAY_API size_t inlay_layer_output_count(const inlay_layer *l);
/**
 * One tensor of layer.output (the layer's first node).
 *
 * @param l  The layer (NULL-safe).
 * @param i  Index, below inlay_layer_output_count().
 * @return The tensor, borrowed; NULL when @p i is out of range, and for NULL.
 */
INLAY_API inlay_tensor *inlay_layer_output(const inlay_layer *l, size_t i);

/** @} */

/* ---------------------------------------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------------------------------------- */

/**
 * @defgroup inlay_models Models
 * @brief Functional and Sequential models: built, read from JSON or loaded from files, and inspected.
 *
 * inlay_model_create() and inlay_sequential_create() mutate the graph they build on;
 * inlay_model_from_json() and inlay_model_load() make a graph of their own, so they are thread-safe; the
 * other functions only read. Accessors accept NULL; what they return is borrowed and lives at least as
 * long as the model (it belongs to the model's graph).
 * @{
 */

/** A Functional or Sequential model. Owned: made by inlay_model_create(), inlay_sequential_create(),
 *  inlay_model_from_json() or inlay_model_load(), released by inlay_model_free(). It shares (and keeps
 *  alive) the graph it was made from. */
typedef struct inlay_model inlay_model;

/**
 * keras.Model(inputs, outputs, name): the Functional model between Input() tensors and outputs of @p g,
 * with Keras's checks ("Graph disconnected: ...", "The name \"x\" is used 2 times in the model. ...").
 * Inputs must be Input() tensors (Keras 3 would clone the graph behind other tensors; inlay asks for the
 * Input tensor). The model's weights are its layers' (zero until set).
 *
 * @param g          The graph. Mutating (auto-naming).
 * @param inputs     @p n_inputs Input() tensors of @p g.
 * @param n_inputs   How many (at least 1).
 * @param outputs    @p n_outputs tensors of @p g.
 * @param n_outputs  How many (at least 1).
 * @param name       The model's name; NULL: auto-named "functional", "functional_1", ...
 * @param[out] out   Receives a new model, owned by the caller: release it with inlay_model_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  Keras's checks; no inputs or outputs; a tensor that is not an Input()
 *                                 tensor (for inputs), NULL, or of another graph; @p g or @p out NULL.
 */
INLAY_API inlay_status inlay_model_create(inlay_graph *g, inlay_tensor *const *inputs, size_t n_inputs,
                                          inlay_tensor *const *outputs, size_t n_outputs, const char *name,
                                          inlay_model **out);
/**
 * keras.Sequential(layers, name): layers of @p g stacked in order, each called on the previous output.
 * The first is an InputLayer (e.g. inlay_tensor_layer() of an Input() tensor) or a layer made with
 * input_shape / input_dim (an InputLayer is made for it).
 *
 * @param g          The graph. Mutating (the layers are called).
 * @param layers     @p n_layers layers of @p g.
 * @param n_layers   How many (at least 1).
 * @param name       The model's name; NULL: auto-named "sequential", "sequential_1", ...
 * @param[out] out   Receives a new model, owned by the caller: release it with inlay_model_free().
 * @retval INLAY_OK
 * @retval INLAY_UNSUPPORTED       The first layer is neither an InputLayer nor has an input shape (inlay
 *                                 builds models eagerly).
 * @retval INLAY_INVALID_ARGUMENT  Layer errors as for inlay_layer_call(); no layers; a NULL layer or one
 *                                 of another graph; an InputLayer after the first; a layer with several
 *                                 outputs; @p g or @p out NULL.
 */
INLAY_API inlay_status inlay_sequential_create(inlay_graph *g, inlay_layer *const *layers, size_t n_layers,
                                               const char *name, inlay_model **out);
/**
 * A model from JSON: model.to_json() of Keras 3 or tf.keras 2 (Functional / Model and Sequential;
 * tf.keras's batch_input_shape and old inbound_nodes lists are read as Keras 3's legacy loader reads
 * them), a Keras file's `{"model_config": ...}`, or a TensorFlow.js model.json (`{"modelTopology": ...}`).
 * Layers are created from their configs and called again, so every check runs as in Keras. Weights are
 * zero. The model gets a graph of its own, so this is thread-safe.
 *
 * @param json      The JSON text.
 * @param[out] out  Receives a new model, owned by the caller: release it with inlay_model_free().
 * @retval INLAY_OK
 * @retval INLAY_PARSE_ERROR       Malformed JSON, or no model config in it.
 * @retval INLAY_UNSUPPORTED       A layer class or a model feature inlay lacks (a nested model with weights in a tf.keras 2 .h5 or TensorFlow.js file, ...).
 * @retval INLAY_INVALID_ARGUMENT  Keras's errors for the configs; @p json or @p out NULL.
 */
INLAY_API inlay_status inlay_model_from_json(const char *json, inlay_model **out);
/**
 * A model and its weights from a file, recognized by its content:
 *  - a Keras 3 .keras file (the zip model.save() writes: config.json, metadata.json, model.weights.h5);
 *  - a Keras HDF5 .h5 file (tf.keras 2's model.save("m.h5"): the model_config attribute and
 *    model_weights). Like the weights of .keras files, these are read by inlay's own HDF5 reader, which
 *    treats every byte as untrusted (the INLAY_TRUSTED_H5 variable of earlier versions is no longer
 *    needed and is ignored);
 *  - a TensorFlow.js layers model: the path of its model.json, or of the directory holding it; the weight
 *    shards it lists (relative to model.json, never outside its directory: each path component is opened
 *    beneath the directory without following symbolic links, so a shard that is or passes through a link
 *    is refused) are read, and uint8 / uint16 / float16 quantized weights are dequantized to float32.
 *
 * Files are untrusted input. Only regular files are read, and opening never blocks (a FIFO, device or
 * directory where a file is expected is ::INLAY_IO_ERROR). Nothing is allocated for the model's weights
 * until the file's weight data is known to hold them: the weights as float32 may take at most 4 times the
 * bytes of weight data in the file (model.weights.h5, the .h5 file, the tfjs shards), which every file
 * Keras or tensorflowjs writes meets; a file with compressed weights needs a larger limit, given with
 * inlay_model_load_with_options(). Every algorithm a file controls is linear or n log n in its size, and
 * messages are at most a few KB.
 *
 * The model is rebuilt from its config as inlay_model_from_json() does, then every weight of
 * model.weights is filled from the file (as float32, see inlay_model_get_weight()), found as Keras finds
 * it: .keras by the layer's place in model.layers (`layers/{snake_case class}_{n}/vars/{i}`), .h5 by layer
 * name and the layer's weight_names, tfjs by weight name ("dense/kernel"). Every weight must be there,
 * with the model's shape, and the file may hold no others. Sizes are checked against the model before
 * anything is read, and errors name the file and what was wrong; errors in the model config itself are
 * inlay_model_from_json()'s. The model gets a graph of its own, so this is thread-safe.
 *
 * @param path      The file (or a tfjs model's directory).
 * @param[out] out  Receives a new model, owned by the caller: release it with inlay_model_free().
 * @retval INLAY_OK
 * @retval INLAY_IO_ERROR          The file, or a shard it lists, cannot be opened or read.
 * @retval INLAY_PARSE_ERROR       Malformed contents: not a zip / HDF5 / JSON, a missing member or group,
 *                                 truncated data, a weight the file lacks or holds without a place in the
 *                                 model, a shard path leaving the model's directory, weights declared
 *                                 larger than the file's weight data can hold.
 * @retval INLAY_SHAPE_MISMATCH    A weight whose shape or element count differs from the model's.
 * @retval INLAY_UNSUPPORTED       A layer class or a format variant inlay does not read (tfjs graph
 *                                 models, HDF5 features Keras does not write such as szip compression).
 * @retval INLAY_INVALID_ARGUMENT  An empty path; @p path or @p out NULL.
 */
INLAY_API inlay_status inlay_model_load(const char *path, inlay_model **out);
/**
 * inlay_model_load() with options for this load, as a JSON object (keys not listed are refused):
 *  - `"max_weight_bytes"`: the most bytes the model's weights (as float32) may take, an integer from 0 to
 *    2^64-1, or null for the default. By default a file may declare at most 4 times the bytes of weight
 *    data it actually holds (its weights member or shards, as stored), so that a few bytes of config cannot
 *    make inlay allocate gigabytes; set a limit to load files whose weights are compressed beyond that
 *    (the limit then replaces the default), or to cap what a load of any file may allocate. Both are
 *    checked after the model is built from its config, which allocates no weight memory, and before any
 *    weight is read.
 *
 * Everything else is inlay_model_load()'s: the formats, the checks, the other errors. The model gets a graph
 * of its own, so this is thread-safe.
 *
 * @param path          The file (or a tfjs model's directory), as for inlay_model_load().
 * @param options_json  The options; NULL or "{}": the defaults (then this is inlay_model_load()).
 * @param[out] out      Receives a new model, owned by the caller: release it with inlay_model_free().
 * @retval INLAY_OK
 * @retval INLAY_OUT_OF_MEMORY     The model's weights take more than max_weight_bytes.
 * @retval INLAY_PARSE_ERROR       Malformed @p options_json; inlay_model_load()'s errors, among them a
 *                                 config declaring weights that its file's data cannot hold (default budget).
 * @retval INLAY_INVALID_ARGUMENT  @p options_json is not an object, holds an unknown key, or a
 *                                 max_weight_bytes that is not a non-negative integer; an empty path;
 *                                 @p path or @p out NULL.
 * @retval INLAY_IO_ERROR          As for inlay_model_load().
 * @retval INLAY_SHAPE_MISMATCH    As for inlay_model_load().
 * @retval INLAY_UNSUPPORTED       As for inlay_model_load().
 */
INLAY_API inlay_status inlay_model_load_with_options(const char *path, const char *options_json,
                                                     inlay_model **out);
/**
 * Releases a model. Its graph goes too unless the caller still holds it (or another model does); borrowed
 * handles from the model are invalid then.
 *
 * @param m  The model, or NULL (nothing happens). Mutating: no other call (predict included) may use it
 *           meanwhile or after.
 */
INLAY_API void inlay_model_free(inlay_model *m);

/**
 * @param m  The model (NULL-safe).
 * @return model.name; NULL for NULL. Borrowed.
 */
INLAY_API const char *inlay_model_name(const inlay_model *m);
/**
 * @param m  The model (NULL-safe).
 * @return How many inputs it has; 0 for NULL.
 */
INLAY_API size_t inlay_model_input_count(const inlay_model *m);
/**
 * @param m  The model (NULL-safe).
 * @return How many outputs it has; 0 for NULL.
 */
INLAY_API size_t inlay_model_output_count(const inlay_model *m);
/**
 * @param m  The model (NULL-safe).
 * @param i  Index, below inlay_model_input_count().
 * @return The i-th symbolic input (the order inlay_model_predict() takes); NULL when out of range, and for
 *         NULL. Borrowed.
 */
INLAY_API const inlay_tensor *inlay_model_input(const inlay_model *m, size_t i);
/**
 * @param m  The model (NULL-safe).
 * @param i  Index, below inlay_model_output_count().
 * @return The i-th symbolic output; NULL when out of range, and for NULL. Borrowed.
 */
INLAY_API const inlay_tensor *inlay_model_output(const inlay_model *m, size_t i);
/**
 * @param m  The model (NULL-safe).
 * @return The size of model.layers; 0 for NULL.
 */
INLAY_API size_t inlay_model_layer_count(const inlay_model *m);
/**
 * @param m  The model (NULL-safe).
 * @param i  Index, below inlay_model_layer_count().
 * @return The i-th of model.layers, in Keras's order (InputLayers first, then by depth); NULL when out of
 *         range, and for NULL. Borrowed.
 */
INLAY_API inlay_layer *inlay_model_layer(const inlay_model *m, size_t i);

/** @} */

/**
 * @defgroup inlay_weights Weights
 * @brief model.weights: names, shapes and float32 values.
 *
 * model.weights is in Keras's order: per layer, trainable weights then non-trainable ones. Values are
 * float32, zero until set or loaded. Weights belong to layers, so models that share a graph's layers share
 * their weights too. Index out of range: ::INLAY_NOT_FOUND. inlay_model_set_weight() mutates the model and
 * its graph; the other functions only read.
 * @{
 */

/**
 * @param m  The model (NULL-safe).
 * @return The size of model.weights; 0 for NULL.
 */
INLAY_API size_t inlay_model_weight_count(const inlay_model *m);
/**
 * A weight's path and shape. Reads only.
 *
 * @param m           The model.
 * @param i           Index, below inlay_model_weight_count().
 * @param[out] name   Receives its path ("dense/kernel"), borrowed from the model. May be NULL.
 * @param[out] rank   Receives its rank. May be NULL.
 * @param[out] dims   Receives its dims (NULL for rank 0), borrowed from the model. May be NULL.
 * @retval INLAY_OK
 * @retval INLAY_NOT_FOUND         @p i is out of range.
 * @retval INLAY_INVALID_ARGUMENT  @p m is NULL.
 */
INLAY_API inlay_status inlay_model_weight_info(const inlay_model *m, size_t i, const char **name, int *rank,
                                               const int64_t **dims);
/**
 * Sets a weight's values (copied). The compiled execution plans of every model of this graph are dropped
 * (recompiled by the next predict).
 *
 * @param m           The model. Mutating (the model and its graph).
 * @param i           Index, below inlay_model_weight_count().
 * @param data        The values in C order; read during the call. Not NULL, even for 0 elements.
 * @param n_elements  The number of values: exactly the product of the weight's dims.
 * @retval INLAY_OK
 * @retval INLAY_NOT_FOUND         @p i is out of range.
 * @retval INLAY_SHAPE_MISMATCH    @p n_elements is not the weight's element count (the message names the
 *                                 weight and its shape).
 * @retval INLAY_INVALID_ARGUMENT  @p m or @p data is NULL.
 */
INLAY_API inlay_status inlay_model_set_weight(inlay_model *m, size_t i, const float *data, size_t n_elements);
/**
 * Sets every weight of the model from a weights file written by Keras, as Keras's model.load_weights(path)
 * does: Keras 3's model.save_weights("x.weights.h5") (matched layer by layer as the weights of a .keras file),
 * tf.keras 2's model.save_weights("x.h5") in HDF5 format (matched by layer name), or the weights of a legacy
 * .h5 model file. This is how a model read from JSON (inlay_model_from_json()) gets the weights saved beside
 * it. The file is untrusted input, read with the checks of inlay_model_load(); it may not be much larger than
 * the model's weights stored as float64. All or nothing: on any error no weight has changed. The compiled
 * execution plans of every model of this graph are dropped (recompiled by the next predict).
 *
 * @param m     The model. Mutating (the model and its graph).
 * @param path  The weights file.
 * @retval INLAY_OK
 * @retval INLAY_IO_ERROR          The file cannot be read.
 * @retval INLAY_PARSE_ERROR       Not a Keras weights file, malformed, or missing weights of a layer of the
 *                                 model (the message names the layer).
 * @retval INLAY_SHAPE_MISMATCH    A weight of the file does not have the model's shape (both named).
 * @retval INLAY_OUT_OF_MEMORY     The file is far larger than the model's weights.
 * @retval INLAY_INVALID_ARGUMENT  @p m or @p path is NULL.
 */
INLAY_API inlay_status inlay_model_load_weights(inlay_model *m, const char *path);
/**
 * Copies a weight's values out. Reads only.
 *
 * @param m           The model.
 * @param i           Index, below inlay_model_weight_count().
 * @param[out] data   Receives the values in C order. Not NULL, even for 0 elements.
 * @param n_elements  Room in @p data: exactly the product of the weight's dims.
 * @retval INLAY_OK
 * @retval INLAY_NOT_FOUND         @p i is out of range.
 * @retval INLAY_SHAPE_MISMATCH    @p n_elements is not the weight's element count.
 * @retval INLAY_INVALID_ARGUMENT  @p m or @p data is NULL.
 */
INLAY_API inlay_status inlay_model_get_weight(const inlay_model *m, size_t i, float *data, size_t n_elements);

/** @} */

/** @addtogroup inlay_models
 *  @{ */

/**
 * model.to_json() in Keras 3's form, byte for byte: the text of Python's json.dumps (", " and ": "
 * separators, non-ASCII characters escaped as \\uXXXX, floats as Python prints them).
 *
 * @param m              The model.
 * @param[out] json_out  Receives the JSON text, owned by the caller: release it with inlay_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  @p m or @p json_out is NULL.
 */
INLAY_API inlay_status inlay_model_to_json(const inlay_model *m, char **json_out);

/**
 * model.summary() as Keras 3 prints it to a print_fn: plain text (no colour) of the "Model:" line, the
 * layer table drawn with box characters (UTF-8) and the "Total params" lines, ending with a newline. The
 * widths are Keras's defaults on a wide terminal: 88 characters, or 108 with the "Connected to" column of
 * models that are not a plain stack of layers.
 *
 * @param m              The model.
 * @param[out] text_out  Receives the text, owned by the caller: release it with inlay_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  @p m or @p text_out is NULL.
 */
INLAY_API inlay_status inlay_model_summary(const inlay_model *m, char **text_out);

/** @} */

/* ---------------------------------------------------------------------------------------------------------
 * Concrete arrays and inference
 * ------------------------------------------------------------------------------------------------------- */

/**
 * @defgroup inlay_arrays Arrays
 * @brief Concrete data: dense, sparse (COO) and ragged arrays, and .npy files.
 *
 * An owned array (inlay_array_create(), inlay_array_load_npy(), predict's allocated outputs) holds its
 * data. A wrapped array (inlay_array_wrap*) borrows the caller's buffers, zero-copy: they must outlive the
 * array and are never freed by it; its dims are copied. Every array is released with inlay_array_free().
 *
 * An array is not synchronized: reads (the accessors, being a predict input) may run concurrently; writes
 * (being a predict output, writing through inlay_array_data()) must not overlap any other use.
 * Accessors accept NULL; what they return is borrowed and lives as long as the array.
 * @{
 */

/** A concrete array: dense (row-major, C order), sparse (tf.SparseTensor's COO form) or ragged (a
 *  tf.RaggedTensor of ragged_rank 1: flat values plus row_splits). Owned by the caller whichever
 *  function made it: release it with inlay_array_free(). */
typedef struct inlay_array inlay_array;

/** How an array holds its data. 0 is no kind: what inlay_array_kind_of() returns for NULL. */
typedef enum inlay_array_kind { INLAY_ARRAY_DENSE = 1, INLAY_ARRAY_SPARSE, INLAY_ARRAY_RAGGED } inlay_array_kind;
/** @var INLAY_ARRAY_DENSE
 *  Every element, row-major (C order). */
/** @var INLAY_ARRAY_SPARSE
 *  tf.SparseTensor's COO form: nnz indices and values. */
/** @var INLAY_ARRAY_RAGGED
 *  A tf.RaggedTensor of ragged_rank 1: flat values plus row_splits. */

/**
 * An owned dense array, zero-filled.
 *
 * @param t         Its dtype (not ::INLAY_STRING).
 * @param dims      @p rank dims, each >= 0; copied.
 * @param rank      0 .. ::INLAY_MAX_RANK.
 * @param[out] out  Receives the array, owned by the caller: release it with inlay_array_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  A dtype value outside the enum; a rank out of range; a negative dim; dims
 *                                 whose byte size overflows; @p dims (with rank > 0) or @p out NULL.
 * @retval INLAY_UNSUPPORTED       ::INLAY_STRING.
 * @retval INLAY_OUT_OF_MEMORY     The data cannot be allocated.
 */
INLAY_API inlay_status inlay_array_create(inlay_dtype t, const int64_t *dims, int rank, inlay_array **out);
/**
 * A dense array over the caller's data, row-major: not copied, not freed. inlay_model_predict() reads it
 * as an input and writes it as an output.
 *
 * @param t         Its dtype (not ::INLAY_STRING).
 * @param dims      @p rank dims, each >= 0; copied.
 * @param rank      0 .. ::INLAY_MAX_RANK.
 * @param data      The elements; borrowed, must outlive the array. NULL only when there are no elements.
 * @param[out] out  Receives the array, owned by the caller: release it with inlay_array_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  As for inlay_array_create(); @p data NULL with elements.
 * @retval INLAY_UNSUPPORTED       ::INLAY_STRING.
 */
INLAY_API inlay_status inlay_array_wrap(inlay_dtype t, const int64_t *dims, int rank, void *data, inlay_array **out);
/**
 * A sparse array over the caller's buffers (tf.SparseTensor's COO form). The indices are in range and in
 * any order; duplicates are summed where the array is consumed, as tf.sparse ops do. The buffers are only
 * ever read.
 *
 * @param t           Its dtype (not ::INLAY_STRING).
 * @param dense_dims  @p rank dims of the dense shape, each >= 0; copied.
 * @param rank        1 .. ::INLAY_MAX_RANK.
 * @param indices     @p nnz x @p rank int64 indices, row-major; borrowed, must outlive the array.
 * @param values      @p nnz values of dtype @p t; borrowed, must outlive the array.
 * @param nnz         The number of stored values (may be 0; the buffers may then be NULL).
 * @param[out] out    Receives the array, owned by the caller: release it with inlay_array_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  An index out of range (the message names the entry); rank 0; a bad
 *                                 dtype value or dims, as for inlay_array_create(); @p indices or
 *                                 @p values NULL with nnz > 0.
 * @retval INLAY_UNSUPPORTED       ::INLAY_STRING.
 */
INLAY_API inlay_status inlay_array_wrap_sparse(inlay_dtype t, const int64_t *dense_dims, int rank,
                                               const int64_t *indices, const void *values, size_t nnz,
                                               inlay_array **out);
/**
 * A ragged array of ragged_rank 1 over the caller's buffers: flat values plus row_splits. Its dims are
 * (n_row_splits - 1, ::INLAY_DIM_NONE, flat_dims[1:]...). The buffers are only ever read.
 *
 * @param t             Its dtype (not ::INLAY_STRING).
 * @param flat_values   The flat values, dense of @p flat_dims; borrowed, must outlive the array. NULL only
 *                      when there are none.
 * @param flat_dims     @p flat_rank dims, each >= 0; copied.
 * @param flat_rank     1 .. ::INLAY_MAX_RANK - 1.
 * @param row_splits    @p n_row_splits entries, starting at 0, non-decreasing, ending at flat_dims[0];
 *                      borrowed, must outlive the array.
 * @param n_row_splits  At least 1 (the number of rows plus one).
 * @param[out] out      Receives the array, owned by the caller: release it with inlay_array_free().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  Bad row_splits (the message says how); a flat rank out of range; a bad
 *                                 dtype value or dims, as for inlay_array_create(); @p flat_values NULL
 *                                 with elements.
 * @retval INLAY_UNSUPPORTED       ::INLAY_STRING.
 */
INLAY_API inlay_status inlay_array_wrap_ragged(inlay_dtype t, const void *flat_values, const int64_t *flat_dims,
                                               int flat_rank, const int64_t *row_splits, size_t n_row_splits,
                                               inlay_array **out);
/**
 * numpy.load of a .npy file (format 1.0 - 3.0, C or Fortran order, little- or big-endian bool / int /
 * uint / float16/32/64 / complex) into an owned dense array, in C order and native byte order.
 *
 * @param path      The file.
 * @param[out] out  Receives the array, owned by the caller: release it with inlay_array_free().
 * @retval INLAY_OK
 * @retval INLAY_IO_ERROR          The file cannot be opened or read.
 * @retval INLAY_PARSE_ERROR       Malformed contents (the message names what).
 * @retval INLAY_UNSUPPORTED       Object, structured, string or datetime arrays; a rank above
 *                                 ::INLAY_MAX_RANK.
 * @retval INLAY_INVALID_ARGUMENT  @p path or @p out NULL.
 */
INLAY_API inlay_status inlay_array_load_npy(const char *path, inlay_array **out);
/**
 * Writes a dense array as a .npy file (format 1.0, C order, little-endian) that numpy.load reads; an
 * existing file is replaced. Reads @p a only.
 *
 * @param a     The array (dense).
 * @param path  The file.
 * @retval INLAY_OK
 * @retval INLAY_IO_ERROR          The file cannot be opened or written.
 * @retval INLAY_UNSUPPORTED       A dtype numpy has no name for (bfloat16, float8).
 * @retval INLAY_INVALID_ARGUMENT  A sparse or ragged array; @p a or @p path NULL.
 */
INLAY_API inlay_status inlay_array_save_npy(const inlay_array *a, const char *path);
/**
 * Releases an array: its data if owned; a wrapped array's buffers are left to the caller.
 *
 * @param a  The array, or NULL (nothing happens). Mutating.
 */
INLAY_API void inlay_array_free(inlay_array *a);

/** The highest rank of an array (the dims passed to and returned by the inlay_array_* functions). */
#define INLAY_MAX_RANK 8

/**
 * The data buffer: a dense array's elements, a sparse array's nnz values, a ragged array's flat values.
 * Writing through it is allowed for owned arrays and wrapped dense ones (never for sparse or ragged ones,
 * whose buffers the caller passed as const).
 *
 * @param a  The array (NULL-safe).
 * @return The buffer, inlay_array_element_count() elements of inlay_array_dtype(); NULL for NULL, and
 *         possibly when there are no elements. Borrowed.
 */
INLAY_API void *inlay_array_data(const inlay_array *a);
/**
 * @param a  The array (NULL-safe).
 * @return Its kind; 0 for NULL.
 */
INLAY_API inlay_array_kind inlay_array_kind_of(const inlay_array *a);
/**
 * @param a  The array (NULL-safe).
 * @return Its logical rank (a ragged array's is flat_rank + 1); -1 for NULL.
 */
INLAY_API int inlay_array_rank(const inlay_array *a);
/**
 * @param a  The array (NULL-safe).
 * @return Its logical dims: a sparse array's dense_dims, a ragged array's (rows, ::INLAY_DIM_NONE, ...);
 *         NULL for rank 0, and for NULL. Borrowed.
 */
INLAY_API const int64_t *inlay_array_dims(const inlay_array *a);
/**
 * @param a  The array (NULL-safe).
 * @return Its dtype; 0 for NULL.
 */
INLAY_API inlay_dtype inlay_array_dtype(const inlay_array *a);
/**
 * @param a  The array (NULL-safe).
 * @return The elements in the data buffer: the product of the dims (dense), nnz (sparse), the product of
 *         flat_dims (ragged); 0 for NULL.
 */
INLAY_API size_t inlay_array_element_count(const inlay_array *a);
/**
 * A ragged array's row_splits.
 *
 * @param a                  The array (NULL-safe).
 * @param[out] n_row_splits  Receives their count (ragged arrays only); may be NULL.
 * @return The row_splits, borrowed; NULL for other kinds and NULL.
 */
INLAY_API const int64_t *inlay_array_row_splits(const inlay_array *a, size_t *n_row_splits);
/**
 * A ragged array's flat values' dims.
 *
 * @param a               The array (NULL-safe).
 * @param[out] flat_rank  Receives their count (ragged arrays only); may be NULL.
 * @return The dims, borrowed; NULL for other kinds and NULL.
 */
INLAY_API const int64_t *inlay_array_flat_dims(const inlay_array *a, int *flat_rank);
/**
 * A sparse array's indices.
 *
 * @param a         The array (NULL-safe).
 * @param[out] nnz  Receives the number of stored values (sparse arrays only); may be NULL.
 * @return The nnz x rank indices, row-major, borrowed; NULL for other kinds and NULL.
 */
INLAY_API const int64_t *inlay_array_sparse_indices(const inlay_array *a, size_t *nnz);

/** @} */

/**
 * @defgroup inlay_inference Inference and threads
 * @brief model.predict on the CPU through oneDNN, execution plans, threads and precision.
 *
 * inlay_model_predict() and inlay_model_prepare() may run concurrently on one model, from any number of
 * threads. The settings (threads, precision) and inlay_model_set_weight() mutate the model: not while
 * another thread predicts on it.
 * @{
 */

/**
 * model.predict on one batch, on the CPU through oneDNN. Inputs are float32, int32 or int64 (an integer
 * Input, e.g. token ids for an Embedding; layers compute in float32 as Keras's do, and Embedding reads the
 * ids as they are); outputs are float32.
 *
 * Everything is checked before anything is computed, so on failure no output is written or allocated (the
 * only exception: ::INLAY_INTERNAL_ERROR from oneDNN during the run may leave outputs passed in partly
 * written). The first call for a given set of input dims compiles an execution plan (oneDNN primitives,
 * weights reordered once, a memory plan); later calls with those dims reuse it and allocate nothing of
 * their own. Up to 16 plans are cached per model.
 *
 * @param m              The model. Thread-safe: concurrent predicts on one model are fine (each call
 *                       passes its own output arrays).
 * @param inputs         One array per model input, in inlay_model_input() order, each of the input's
 *                       dtype and of a shape compatible with it (Keras's rank adjustment applies: a
 *                       trailing axis of size 1 added or dropped); a sparse array for a sparse Input, a
 *                       ragged one for a ragged Input. Only read.
 * @param n_inputs       inlay_model_input_count().
 * @param[in,out] outputs  @p n_outputs entries. NULL entries receive an array the library allocates,
 *                       owned by the caller (release it with inlay_array_free()). Other entries are
 *                       written in place and must have exactly the output's dims and dtype (a ragged
 *                       output: ragged, with the row_splits of the input it follows).
 * @param n_outputs      inlay_model_output_count().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  NULL pointers; wrong counts; an input array of a dtype or kind the input
 *                                 does not take.
 * @retval INLAY_SHAPE_MISMATCH    Keras's message: Input 0 with name 'input_layer' of layer 'functional' is incompatible with the
 *                                 layer: expected shape=(None, 32), found shape=(2, 5); inputs of
 *                                 different batch sizes ("Data cardinality is ambiguous. ..."); an input
 *                                 too small for a layer's window (a None dim of the model given a size
 *                                 that leaves a Conv or pooling layer no output: "Layer 'conv2d':
 *                                 Computed output size would be zero or negative. ..."); an output passed
 *                                 in of the wrong dims, dtype or kind.
 * @retval INLAY_UNSUPPORTED       A layer option inlay does not run (the message names the layer and
 *                                 option); a model input of a dtype other than float32, int32, int64;
 *                                 an integer sparse or ragged input; a model that returns an integer input.
 * @retval INLAY_OUT_OF_MEMORY     The plan's memory (or an output) cannot be allocated; an input or a
 *                                 layer output of 2^31 elements or more, its nonzero dims multiplied
 *                                 (more than oneDNN 2.x indexes).
 * @retval INLAY_INTERNAL_ERROR    oneDNN could not compile or run the plan.
 */
INLAY_API inlay_status inlay_model_predict(inlay_model *m, const inlay_array *const *inputs, size_t n_inputs,
                                           inlay_array **outputs, size_t n_outputs);

/**
 * Compiles (and caches) the execution plan for inputs of these arrays' dims without running it, so the
 * first predict is as fast as later ones.
 *
 * @param m         The model. Thread-safe, as inlay_model_predict().
 * @param inputs    As for inlay_model_predict(); only their kind, dtype and dims matter (the data is not
 *                  read).
 * @param n_inputs  inlay_model_input_count().
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  As for inlay_model_predict().
 * @retval INLAY_SHAPE_MISMATCH    As for inlay_model_predict() (inputs only).
 * @retval INLAY_UNSUPPORTED       As for inlay_model_predict().
 * @retval INLAY_OUT_OF_MEMORY     As for inlay_model_predict() (the plan's memory, the 2^31 limit).
 * @retval INLAY_INTERNAL_ERROR    oneDNN could not compile the plan.
 */
INLAY_API inlay_status inlay_model_prepare(inlay_model *m, const inlay_array *const *inputs, size_t n_inputs);

/**
 * Sets the threads each predict call on @p m uses, and drops the compiled plans when the count changes.
 * A plan with little work (under about 256k multiply-adds per call, e.g. a small Dense at batch 64) runs on
 * one thread whatever the count: waking the others would cost more than they save.
 *
 * @param m          The model. Mutating: not while another thread predicts on it.
 * @param n_threads  1 .. 4096; or 0 for the default the model starts with, read now: the INLAY_NUM_THREADS
 *                   environment variable if it holds a count in that range (else it is ignored, with a
 *                   logged warning); otherwise OMP_NUM_THREADS if set (its first value); otherwise the CPUs
 *                   this process may run on: the cores of the calling thread's affinity mask (taskset,
 *                   cpusets), capped by the cgroup CPU quota rounded up (docker --cpus, Kubernetes CPU
 *                   limits). More threads than that would make every primitive wait for descheduled threads.
 * @retval INLAY_OK
 * @retval INLAY_INVALID_ARGUMENT  @p n_threads out of range; @p m NULL.
 */
INLAY_API inlay_status inlay_model_set_num_threads(inlay_model *m, int n_threads);
/**
 * @param m  The model (NULL-safe).
 * @return The effective thread count of its predict calls; 0 for NULL.
 */
INLAY_API int inlay_model_num_threads(const inlay_model *m);

/** The arithmetic Dense and Conv layers run in. */
typedef enum inlay_precision {
  INLAY_PRECISION_FLOAT32 = 0,   /**< The default: float32 everywhere, Keras's results to ~1e-5. 3x3
                                      stride-1 Conv2Ds with enough work (16+ channels in and out on outputs
                                      of 20x20 or more; 32+ channels and 4+ images on smaller ones) use
                                      Winograd's algorithm on AVX-512 CPUs, 1.2-2.8x faster: about twice
                                      the rounding error of a direct convolution, still float32's. */
  INLAY_PRECISION_BFLOAT16,      /**< Dense and Conv in bfloat16 with float32 accumulation (opt-in, faster;
                                      needs AVX512-BF16 or AMX). */
  INLAY_PRECISION_FLOAT32_STRICT /**< float32 with every convolution direct (no Winograd): the same
                                      algorithm class as Keras's CPU kernels, results to ~1e-6. */
} inlay_precision;
/**
 * Sets the precision of @p m's predict calls, and drops the compiled plans when it changes.
 *
 * @param m  The model. Mutating: not while another thread predicts on it.
 * @param p  The precision.
 * @retval INLAY_OK
 * @retval INLAY_UNSUPPORTED       ::INLAY_PRECISION_BFLOAT16 on a CPU without bfloat16 instructions
 *                                 (AVX512-BF16 or AMX).
 * @retval INLAY_INVALID_ARGUMENT  @p p outside the enum; @p m NULL.
 */
INLAY_API inlay_status inlay_model_set_precision(inlay_model *m, inlay_precision p);

/** @} */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* INLAY_INLAY_H */
