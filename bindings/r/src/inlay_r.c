/* The R package's glue over libinlay's C ABI (include/inlay/inlay.h, and nothing else), called with .Call.
 *
 * Handles are external pointers with finalizers: graphs and models are owned (freed by their finalizer);
 * tensors and layers are borrowed from their graph, so their external pointer's "protected" slot holds the
 * graph's external pointer and keeps it alive. An external pointer restored by readRDS() or a new session
 * is NULL: every use checks, and says so as an R error.
 *
 * Failures raise an R condition through the package's R function .inlay_raise(status, message), with
 * inlay_last_error()'s text (Keras's message). Everything the library made is released before that call,
 * since raising an R error leaves this C frame; scratch memory comes from R_alloc, which R releases itself.
 *
 * Arrays cross in C order (row-major): the R side permutes R's column-major arrays (R/convert.R). */
#include <R.h>
#include <R_ext/Rdynload.h>
#include <Rinternals.h>
#include <inlay/inlay.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------------------- */
/* Errors                                                                                                    */

/* Raises an R condition of the package (class inlay_error) with this thread's last error; never returns. */
static void raise_status(inlay_status st) {
  SEXP ns = PROTECT(R_FindNamespace(mkString("inlay")));
  SEXP call = PROTECT(lang3(install(".inlay_raise"), mkString(inlay_status_name(st)),
                            ScalarString(mkCharCE(inlay_last_error(), CE_UTF8))));
  eval(call, ns);
  UNPROTECT(2);
  error("inlay: %s", inlay_last_error()); /* not reached: .inlay_raise always signals an error */
}

#define CHECK(expr)                                                                                          \
  do {                                                                                                       \
    inlay_status st_ = (expr);                                                                               \
    if (st_ != INLAY_OK) raise_status(st_);                                                                  \
  } while (0)

/* ------------------------------------------------------------------------------------------------------- */
/* Handles                                                                                                   */

static SEXP tag_graph, tag_model, tag_tensor, tag_layer;

static void graph_finalizer(SEXP p) {
  inlay_graph *g = (inlay_graph *)R_ExternalPtrAddr(p);
  if (g) {
    inlay_graph_free(g);
    R_ClearExternalPtr(p);
  }
}

static void model_finalizer(SEXP p) {
  inlay_model *m = (inlay_model *)R_ExternalPtrAddr(p);
  if (m) {
    inlay_model_free(m);
    R_ClearExternalPtr(p);
  }
}

static SEXP wrap_owned(void *h, SEXP tag, R_CFinalizer_t fin, SEXP keep) {
  SEXP p = PROTECT(R_MakeExternalPtr(h, tag, keep));
  R_RegisterCFinalizerEx(p, fin, TRUE);
  UNPROTECT(1);
  return p;
}

/* A borrowed handle: `owner` (the graph's or model's external pointer) stays alive as long as it. */
static SEXP wrap_borrowed(const void *h, SEXP tag, SEXP owner) {
  return R_MakeExternalPtr((void *)h, tag, owner);
}

/* The handle in an external pointer of the given kind, or an R error naming what is wrong. */
static void *handle(SEXP p, SEXP tag, const char *what) {
  if (TYPEOF(p) != EXTPTRSXP || R_ExternalPtrTag(p) != tag) error("inlay: not %s handle", what);
  void *h = R_ExternalPtrAddr(p);
  if (!h)
    error("inlay: the %s handle is NULL: it was released, or restored from a saved session or saveRDS() "
          "(inlay objects hold native memory and do not survive serialization; load or build it again)",
          what);
  return h;
}

#define GRAPH(p) ((inlay_graph *)handle(p, tag_graph, "graph"))
#define MODEL(p) ((inlay_model *)handle(p, tag_model, "model"))
#define TENSOR(p) ((inlay_tensor *)handle(p, tag_tensor, "tensor"))
#define LAYER(p) ((inlay_layer *)handle(p, tag_layer, "layer"))

static const char *opt_string(SEXP s) { return isNull(s) ? NULL : translateCharUTF8(STRING_ELT(s, 0)); }

/* A string the library made (char **), as an R string; released either way. */
static SEXP take_string(char *text) {
  SEXP s = PROTECT(ScalarString(mkCharCE(text ? text : "", CE_UTF8)));
  inlay_free(text);
  UNPROTECT(1);
  return s;
}

static SEXP dims_to_r(const int64_t *dims, int rank) {
  if (rank < 0) return R_NilValue; /* unknown rank */
  SEXP out = PROTECT(allocVector(REALSXP, rank));
  for (int i = 0; i < rank; i++) REAL(out)[i] = dims[i] == INLAY_DIM_NONE ? NA_REAL : (double)dims[i];
  UNPROTECT(1);
  return out;
}

/* ------------------------------------------------------------------------------------------------------- */
/* Library, graph, Input, tensors, layers                                                                    */

static SEXP r_version(void) { return mkString(inlay_version()); }

static SEXP r_graph_new(void) {
  inlay_graph *g = NULL;
  CHECK(inlay_graph_create(&g));
  return wrap_owned(g, tag_graph, graph_finalizer, R_NilValue);
}

static SEXP r_input(SEXP graph, SEXP kwargs_json, SEXP tensor) {
  inlay_graph *g = GRAPH(graph);
  const inlay_tensor *wrap = isNull(tensor) ? NULL : TENSOR(tensor);
  inlay_tensor *out = NULL;
  CHECK(inlay_input(g, opt_string(kwargs_json), NULL, wrap, &out));
  return wrap_borrowed(out, tag_tensor, graph);
}

static SEXP r_tensor_info(SEXP tensor) {
  const inlay_tensor *t = TENSOR(tensor);
  const char *names[] = {"name", "shape", "dtype", "sparse", ""};
  SEXP out = PROTECT(mkNamed(VECSXP, names));
  SET_VECTOR_ELT(out, 0, mkString(inlay_tensor_name(t)));
  SET_VECTOR_ELT(out, 1, dims_to_r(inlay_tensor_dims(t), inlay_tensor_rank(t)));
  SET_VECTOR_ELT(out, 2, mkString(inlay_dtype_name(inlay_tensor_dtype(t))));
  SET_VECTOR_ELT(out, 3, ScalarLogical(inlay_spec_kind_of(inlay_tensor_spec(t)) == INLAY_SPEC_SPARSE));
  UNPROTECT(1);
  return out;
}

/* The graph a borrowed handle belongs to (its external pointer). */
static SEXP r_owner(SEXP p) { return R_ExternalPtrProtected(p); }

static SEXP r_tensor_layer(SEXP tensor) {
  return wrap_borrowed(inlay_tensor_layer(TENSOR(tensor)), tag_layer, R_ExternalPtrProtected(tensor));
}

static SEXP r_layer_create(SEXP graph, SEXP class_name, SEXP config_json) {
  inlay_layer *out = NULL;
  CHECK(inlay_layer_create(GRAPH(graph), opt_string(class_name), opt_string(config_json), &out));
  return wrap_borrowed(out, tag_layer, graph);
}

/* Most outputs one layer call makes; the library says INVALID_ARGUMENT if a layer ever needed more. */
#define MAX_OUTPUTS 16

static SEXP r_layer_call(SEXP layer, SEXP tensors) {
  inlay_layer *l = LAYER(layer);
  R_xlen_t n = XLENGTH(tensors);
  inlay_tensor **ins = (inlay_tensor **)R_alloc(n ? n : 1, sizeof *ins);
  for (R_xlen_t i = 0; i < n; i++) ins[i] = TENSOR(VECTOR_ELT(tensors, i));
  inlay_tensor *outs[MAX_OUTPUTS];
  size_t n_out = 0;
  CHECK(inlay_layer_call(l, ins, (size_t)n, outs, MAX_OUTPUTS, &n_out));
  SEXP graph = R_ExternalPtrProtected(layer);
  SEXP out = PROTECT(allocVector(VECSXP, (R_xlen_t)n_out));
  for (size_t i = 0; i < n_out; i++) SET_VECTOR_ELT(out, (R_xlen_t)i, wrap_borrowed(outs[i], tag_tensor, graph));
  UNPROTECT(1);
  return out;
}

static SEXP r_layer_info(SEXP layer) {
  inlay_layer *l = LAYER(layer);
  char *config = NULL;
  CHECK(inlay_layer_get_config(l, &config));
  const char *names[] = {"name", "class_name", "config", ""};
  SEXP out = PROTECT(mkNamed(VECSXP, names));
  SET_VECTOR_ELT(out, 0, mkString(inlay_layer_name(l)));
  SET_VECTOR_ELT(out, 1, mkString(inlay_layer_class_name(l)));
  SET_VECTOR_ELT(out, 2, take_string(config));
  UNPROTECT(1);
  return out;
}

/* ------------------------------------------------------------------------------------------------------- */
/* Models                                                                                                    */

static inlay_tensor **tensor_list(SEXP list) {
  R_xlen_t n = XLENGTH(list);
  inlay_tensor **out = (inlay_tensor **)R_alloc(n ? n : 1, sizeof *out);
  for (R_xlen_t i = 0; i < n; i++) out[i] = TENSOR(VECTOR_ELT(list, i));
  return out;
}

static SEXP r_model_create(SEXP graph, SEXP inputs, SEXP outputs, SEXP name) {
  inlay_graph *g = GRAPH(graph);
  inlay_tensor **ins = tensor_list(inputs), **outs = tensor_list(outputs);
  inlay_model *m = NULL;
  CHECK(inlay_model_create(g, ins, (size_t)XLENGTH(inputs), outs, (size_t)XLENGTH(outputs), opt_string(name), &m));
  return wrap_owned(m, tag_model, model_finalizer, graph);
}

static SEXP r_sequential_create(SEXP graph, SEXP layers, SEXP name) {
  inlay_graph *g = GRAPH(graph);
  R_xlen_t n = XLENGTH(layers);
  inlay_layer **ls = (inlay_layer **)R_alloc(n ? n : 1, sizeof *ls);
  for (R_xlen_t i = 0; i < n; i++) ls[i] = LAYER(VECTOR_ELT(layers, i));
  inlay_model *m = NULL;
  CHECK(inlay_sequential_create(g, ls, (size_t)n, opt_string(name), &m));
  return wrap_owned(m, tag_model, model_finalizer, graph);
}

static SEXP r_model_load(SEXP path, SEXP options_json) {
  inlay_model *m = NULL;
  CHECK(inlay_model_load_with_options(opt_string(path), opt_string(options_json), &m));
  return wrap_owned(m, tag_model, model_finalizer, R_NilValue);
}

static SEXP r_model_from_json(SEXP json) {
  inlay_model *m = NULL;
  CHECK(inlay_model_from_json(opt_string(json), &m));
  return wrap_owned(m, tag_model, model_finalizer, R_NilValue);
}

static SEXP r_model_info(SEXP model) {
  inlay_model *m = MODEL(model);
  const char *names[] = {"name", "inputs", "outputs", "layers", ""};
  SEXP out = PROTECT(mkNamed(VECSXP, names));
  SET_VECTOR_ELT(out, 0, mkString(inlay_model_name(m)));
  size_t n_in = inlay_model_input_count(m), n_out = inlay_model_output_count(m), n_l = inlay_model_layer_count(m);
  SEXP ins = PROTECT(allocVector(VECSXP, (R_xlen_t)n_in));
  for (size_t i = 0; i < n_in; i++)
    SET_VECTOR_ELT(ins, (R_xlen_t)i, wrap_borrowed(inlay_model_input(m, i), tag_tensor, model));
  SEXP outs = PROTECT(allocVector(VECSXP, (R_xlen_t)n_out));
  for (size_t i = 0; i < n_out; i++)
    SET_VECTOR_ELT(outs, (R_xlen_t)i, wrap_borrowed(inlay_model_output(m, i), tag_tensor, model));
  SEXP layers = PROTECT(allocVector(VECSXP, (R_xlen_t)n_l));
  for (size_t i = 0; i < n_l; i++)
    SET_VECTOR_ELT(layers, (R_xlen_t)i, wrap_borrowed(inlay_model_layer(m, i), tag_layer, model));
  SET_VECTOR_ELT(out, 1, ins);
  SET_VECTOR_ELT(out, 2, outs);
  SET_VECTOR_ELT(out, 3, layers);
  UNPROTECT(4);
  return out;
}

static SEXP r_model_summary(SEXP model) {
  char *text = NULL;
  CHECK(inlay_model_summary(MODEL(model), &text));
  return take_string(text);
}

static SEXP r_model_to_json(SEXP model) {
  char *text = NULL;
  CHECK(inlay_model_to_json(MODEL(model), &text));
  return take_string(text);
}

static SEXP r_model_set_num_threads(SEXP model, SEXP n) {
  inlay_model *m = MODEL(model);
  CHECK(inlay_model_set_num_threads(m, asInteger(n)));
  return ScalarInteger(inlay_model_num_threads(m));
}

static SEXP r_model_num_threads(SEXP model) { return ScalarInteger(inlay_model_num_threads(MODEL(model))); }

/* ------------------------------------------------------------------------------------------------------- */
/* Weights                                                                                                   */

/* list(list(name, dims), ...) of model.weights. */
static SEXP r_model_weight_info(SEXP model) {
  inlay_model *m = MODEL(model);
  size_t n = inlay_model_weight_count(m);
  SEXP out = PROTECT(allocVector(VECSXP, (R_xlen_t)n));
  for (size_t i = 0; i < n; i++) {
    const char *name = NULL;
    int rank = 0;
    const int64_t *dims = NULL;
    CHECK(inlay_model_weight_info(m, i, &name, &rank, &dims));
    const char *names[] = {"name", "dims", ""};
    SEXP w = PROTECT(mkNamed(VECSXP, names));
    SET_VECTOR_ELT(w, 0, mkString(name));
    SET_VECTOR_ELT(w, 1, dims_to_r(dims, rank));
    SET_VECTOR_ELT(out, (R_xlen_t)i, w);
    UNPROTECT(1);
  }
  UNPROTECT(1);
  return out;
}

static size_t element_count(SEXP dims) {
  size_t n = 1;
  for (R_xlen_t i = 0; i < XLENGTH(dims); i++) n *= (size_t)REAL(dims)[i];
  return n;
}

/* Weight i's values in C order, as doubles. */
static SEXP r_model_get_weight(SEXP model, SEXP index, SEXP dims) {
  size_t n = element_count(dims);
  float *buf = (float *)R_alloc(n ? n : 1, sizeof *buf);
  CHECK(inlay_model_get_weight(MODEL(model), (size_t)asReal(index), buf, n));
  SEXP out = PROTECT(allocVector(REALSXP, (R_xlen_t)n));
  for (size_t i = 0; i < n; i++) REAL(out)[i] = buf[i];
  UNPROTECT(1);
  return out;
}

static SEXP r_model_set_weight(SEXP model, SEXP index, SEXP values) {
  R_xlen_t n = XLENGTH(values);
  float *buf = (float *)R_alloc(n ? n : 1, sizeof *buf);
  for (R_xlen_t i = 0; i < n; i++) buf[i] = (float)REAL(values)[i];
  CHECK(inlay_model_set_weight(MODEL(model), (size_t)asReal(index), buf, (size_t)n));
  return R_NilValue;
}

/* ------------------------------------------------------------------------------------------------------- */
/* Arrays and predict                                                                                        */

/* A dense R-side array: list(data = <double or integer vector, C order>, dims = <double vector>). */
static SEXP array_to_r(const inlay_array *a) {
  int rank = inlay_array_rank(a);
  size_t n = inlay_array_element_count(a);
  SEXP data = PROTECT(allocVector(REALSXP, (R_xlen_t)n));
  const void *src = inlay_array_data(a);
  double *dst = REAL(data);
  switch (inlay_array_dtype(a)) {
  case INLAY_FLOAT32:
    for (size_t i = 0; i < n; i++) dst[i] = ((const float *)src)[i];
    break;
  case INLAY_FLOAT64:
    if (n) memcpy(dst, src, n * sizeof(double));
    break;
  case INLAY_INT32:
    for (size_t i = 0; i < n; i++) dst[i] = ((const int32_t *)src)[i];
    break;
  case INLAY_INT64:
    for (size_t i = 0; i < n; i++) dst[i] = (double)((const int64_t *)src)[i];
    break;
  default:
    UNPROTECT(1);
    return R_NilValue; /* the caller reports the dtype */
  }
  const char *names[] = {"data", "dims", ""};
  SEXP out = PROTECT(mkNamed(VECSXP, names));
  SET_VECTOR_ELT(out, 0, data);
  SET_VECTOR_ELT(out, 1, dims_to_r(inlay_array_dims(a), rank));
  UNPROTECT(2);
  return out;
}

/* A C-order copy of an R vector in the model input's dtype (float32 unless it takes int32 / int64). */
static void *input_buffer(SEXP data, inlay_dtype t) {
  R_xlen_t n = XLENGTH(data);
  int is_int = TYPEOF(data) == INTSXP || TYPEOF(data) == LGLSXP;
  if (t == INLAY_INT32 || t == INLAY_INT64) {
    void *buf = R_alloc(n ? n : 1, inlay_dtype_size(t));
    for (R_xlen_t i = 0; i < n; i++) {
      double v = is_int ? (double)INTEGER(data)[i] : REAL(data)[i];
      if (ISNAN(v)) error("inlay: NA in an integer input");
      if (t == INLAY_INT32)
        ((int32_t *)buf)[i] = (int32_t)v;
      else
        ((int64_t *)buf)[i] = (int64_t)v;
    }
    return buf;
  }
  float *buf = (float *)R_alloc(n ? n : 1, sizeof *buf);
  for (R_xlen_t i = 0; i < n; i++)
    buf[i] = is_int ? (INTEGER(data)[i] == NA_INTEGER ? (float)R_NaN : (float)INTEGER(data)[i]) : (float)REAL(data)[i];
  return buf;
}

static void free_arrays(inlay_array **arrays, size_t n) {
  for (size_t i = 0; i < n; i++) inlay_array_free(arrays[i]);
}

/* model.predict on one batch: `inputs` is a list of list(data, dims) in C order, in the model's input
 * order; returns the outputs alike. */
static SEXP r_model_predict(SEXP model, SEXP inputs) {
  inlay_model *m = MODEL(model);
  size_t n_in = (size_t)XLENGTH(inputs), n_out = inlay_model_output_count(m);
  if (n_in != inlay_model_input_count(m))
    error("inlay: the model has %d input(s), %d array(s) were given", (int)inlay_model_input_count(m), (int)n_in);
  inlay_array **ins = (inlay_array **)R_alloc(n_in ? n_in : 1, sizeof *ins);
  inlay_array **outs = (inlay_array **)R_alloc(n_out ? n_out : 1, sizeof *outs);
  memset(ins, 0, (n_in ? n_in : 1) * sizeof *ins);
  memset(outs, 0, (n_out ? n_out : 1) * sizeof *outs);
  /* Everything that can raise an R error first (conversions, checks), then the arrays: an R error must not
   * leave wrapped arrays behind. */
  void **bufs = (void **)R_alloc(n_in ? n_in : 1, sizeof *bufs);
  inlay_dtype *types = (inlay_dtype *)R_alloc(n_in ? n_in : 1, sizeof *types);
  int64_t(*dims)[INLAY_MAX_RANK] = (int64_t(*)[INLAY_MAX_RANK])R_alloc(n_in ? n_in : 1, sizeof *dims);
  int *ranks = (int *)R_alloc(n_in ? n_in : 1, sizeof *ranks);
  for (size_t i = 0; i < n_in; i++) {
    SEXP x = VECTOR_ELT(inputs, (R_xlen_t)i), data = VECTOR_ELT(x, 0), dims_r = VECTOR_ELT(x, 1);
    ranks[i] = (int)XLENGTH(dims_r);
    if (ranks[i] > INLAY_MAX_RANK) error("inlay: input %d has rank %d; at most %d", (int)i, ranks[i], INLAY_MAX_RANK);
    for (int k = 0; k < ranks[i]; k++) dims[i][k] = (int64_t)REAL(dims_r)[k];
    types[i] = inlay_tensor_dtype(inlay_model_input(m, i));
    if (types[i] != INLAY_INT32 && types[i] != INLAY_INT64) types[i] = INLAY_FLOAT32;
    bufs[i] = input_buffer(data, types[i]);
  }
  for (size_t i = 0; i < n_in; i++) {
    inlay_status st = inlay_array_wrap(types[i], dims[i], ranks[i], bufs[i], &ins[i]);
    if (st != INLAY_OK) {
      free_arrays(ins, i);
      raise_status(st);
    }
  }
  inlay_status st = inlay_model_predict(m, (const inlay_array *const *)ins, n_in, outs, n_out);
  free_arrays(ins, n_in);
  if (st != INLAY_OK) raise_status(st);
  SEXP out = PROTECT(allocVector(VECSXP, (R_xlen_t)n_out));
  for (size_t i = 0; i < n_out; i++) SET_VECTOR_ELT(out, (R_xlen_t)i, array_to_r(outs[i]));
  free_arrays(outs, n_out);
  UNPROTECT(1);
  return out;
}

/* numpy.load of a .npy file (the library's reader), as list(data, dims) in C order. */
static SEXP r_load_npy(SEXP path) {
  inlay_array *a = NULL;
  CHECK(inlay_array_load_npy(opt_string(path), &a));
  SEXP out = PROTECT(array_to_r(a));
  const char *dtype = inlay_dtype_name(inlay_array_dtype(a));
  inlay_array_free(a);
  if (isNull(out)) error("inlay: %s arrays are not read into R (float32/64, int32/64 are)", dtype);
  UNPROTECT(1);
  return out;
}

static SEXP r_is_null_handle(SEXP p) { return ScalarLogical(TYPEOF(p) != EXTPTRSXP || !R_ExternalPtrAddr(p)); }

/* "inlay_graph", "inlay_model", "inlay_tensor" or "inlay_layer": what an external pointer holds ("" for
 * anything else). */
static SEXP r_handle_kind(SEXP p) {
  if (TYPEOF(p) != EXTPTRSXP || TYPEOF(R_ExternalPtrTag(p)) != SYMSXP) return mkString("");
  return ScalarString(PRINTNAME(R_ExternalPtrTag(p)));
}

/* ------------------------------------------------------------------------------------------------------- */
/* Registration                                                                                              */

#define ENTRY(name, n) {#name, (DL_FUNC)&name, n}
static const R_CallMethodDef call_methods[] = {
    ENTRY(r_version, 0),           ENTRY(r_graph_new, 0),         ENTRY(r_input, 3),
    ENTRY(r_tensor_info, 1),       ENTRY(r_owner, 1),             ENTRY(r_tensor_layer, 1),
    ENTRY(r_layer_create, 3),      ENTRY(r_layer_call, 2),        ENTRY(r_layer_info, 1),
    ENTRY(r_model_create, 4),      ENTRY(r_sequential_create, 3), ENTRY(r_model_load, 2),
    ENTRY(r_model_from_json, 1),   ENTRY(r_model_info, 1),        ENTRY(r_model_summary, 1),
    ENTRY(r_model_to_json, 1),     ENTRY(r_model_set_num_threads, 2), ENTRY(r_model_num_threads, 1),
    ENTRY(r_model_weight_info, 1), ENTRY(r_model_get_weight, 3),  ENTRY(r_model_set_weight, 3),
    ENTRY(r_model_predict, 2),     ENTRY(r_load_npy, 1),          ENTRY(r_is_null_handle, 1),
    ENTRY(r_handle_kind, 1),
    {NULL, NULL, 0}};

void R_init_inlay(DllInfo *dll) {
  tag_graph = install("inlay_graph");
  tag_model = install("inlay_model");
  tag_tensor = install("inlay_tensor");
  tag_layer = install("inlay_layer");
  R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
  R_forceSymbols(dll, TRUE);
}
