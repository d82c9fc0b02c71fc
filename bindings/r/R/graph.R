# The placeholder graph, keras_input() and symbolic tensors.
#
# Like Keras's session, the package keeps one current graph (inlay_graph in the C ABI): keras_input() and
# layer constructors work in it, and clear_session() starts a new one. Tensors and layers are borrowed
# from their graph; their external pointers keep it alive (src/inlay_r.c).

.inlay_state <- new.env(parent = emptyenv())

current_graph <- function() {
  g <- .inlay_state$graph
  if (is.null(g) || .Call(r_is_null_handle, g)) { # none yet, or restored from a saved session
    g <- .Call(r_graph_new)
    .inlay_state$graph <- g
  }
  g
}

clear_session <- function(free_memory = TRUE) {
  .inlay_state$graph <- NULL
  if (isTRUE(free_memory)) gc(verbose = FALSE)
  invisible(NULL)
}

# keras3's normalize_shape() (R/r-utils.R): numbers become integers, NA or NULL elements None.
normalize_shape <- function(shape, none = NULL) {
  if (is.null(shape)) return(NULL)
  if (!is.list(shape) && !is.numeric(shape) && !(is.logical(shape) && all(is.na(shape)))) {
    inlay_stop("a shape is a numeric vector or a list of numbers and NULL/NA, not ", class(shape)[1])
  }
  dims <- lapply(shape, function(d) {
    if (is.null(d) || (length(d) == 1 && is.na(d))) return(none)
    if (!is.numeric(d) || length(d) != 1) inlay_stop("a shape's elements are single numbers, NULL or NA")
    if (abs(d) <= .Machine$integer.max) as.integer(d) else d # larger dims stay exact as doubles
  })
  json_array(dims)
}

keras_input <- function(shape = NULL, batch_size = NULL, dtype = NULL, sparse = NULL, ragged = NULL,
                        batch_shape = NULL, name = NULL, tensor = NULL, optional = FALSE) {
  kwargs <- list(
    shape = normalize_shape(shape), batch_size = batch_size, dtype = dtype, sparse = sparse,
    ragged = ragged, batch_shape = normalize_shape(batch_shape), name = name
  )
  kwargs <- kwargs[!vapply(kwargs, is.null, TRUE)] # keras3 passes only what was given
  if (!identical(optional, FALSE)) kwargs$optional <- optional
  graph <- current_graph()
  wrapped <- NULL
  if (!is.null(tensor)) {
    if (!inherits(tensor, "inlay_tensor")) inlay_stop("`tensor` must be a tensor from keras_input() or a layer")
    graph <- tensor_graph(tensor)
    wrapped <- tensor$ptr
  }
  new_tensor(.Call(r_input, graph, to_json(kwargs), wrapped))
}

layer_input <- keras_input

new_tensor <- function(ptr) structure(list(ptr = ptr), class = "inlay_tensor")

# The graph a tensor belongs to: a tensor of a model (model$inputs) belongs to the model instead.
tensor_graph <- function(t) {
  owner <- .Call(r_owner, t$ptr)
  if (.Call(r_handle_kind, owner) != "inlay_graph") {
    inlay_stop("layers are called on tensors of keras_input() and of layers; this tensor belongs to a ",
               "model (its inputs or outputs), which inlay does not extend")
  }
  owner
}

tensor_info <- function(t) .Call(r_tensor_info, t$ptr)

format_dims <- function(dims) {
  if (is.null(dims)) return("None")
  d <- ifelse(is.na(dims), "None", format(dims, scientific = FALSE, trim = TRUE))
  paste0("(", paste(d, collapse = ", "), if (length(d) == 1) "," else "", ")")
}

dim.inlay_tensor <- function(x) {
  dims <- tensor_info(x)$shape
  if (is.null(dims)) NULL else as.integer(dims)
}

format.inlay_tensor <- function(x, ...) {
  info <- tensor_info(x)
  sprintf("<KerasTensor shape=%s, dtype=%s, sparse=%s, name=%s>", format_dims(info$shape), info$dtype,
          if (info$sparse) "True" else "False", info$name)
}

print.inlay_tensor <- function(x, ...) {
  cat(format(x), "\n", sep = "")
  invisible(x)
}
