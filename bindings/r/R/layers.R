# Layers: what the generated layer_*() functions (R/layers_generated.R) call.
#
# keras3's calling convention (create_layer() and compose_layer() in keras3's R/layer-r-helpers.R): the
# first argument `object` is
#   - missing: the layer itself is returned (a function: call it on tensors, or pipe a model into it);
#   - a tensor (or a list of tensors): the layer is called on it and its output returned;
#   - a keras_model_sequential(): the layer is added to it, and the model returned invisibly.
# Merge layers (layer_add(), layer_concatenate(), ...) take `inputs` first, and more tensors as unnamed
# arguments, as keras3's do.
#
# A layer is made in the current graph when constructed, as Keras names a layer when it is made; a layer
# never called can still be called on tensors of another graph (after clear_session()): it is then made
# again there. A layer called once belongs to its graph.

# keras3's argument conversions by name (keras3 applies them per function with capture_args(); the
# generated functions share these): shapes become arrays with NA/NULL for None; axes are 1-based in R
# (keras3's as_axis(): a positive axis counts from 1, the batch axis, so it is passed as axis - 1;
# negative axes are unchanged).
shape_args <- c("input_shape", "batch_input_shape", "batch_shape", "shape", "noise_shape", "dims")
axis_args <- c("axis", "axes", "shared_axes")

as_axis <- function(axis) {
  if (is.null(axis) || is.list(axis)) return(axis)
  axis <- as.integer(axis)
  if (any(axis == 0L)) inlay_stop("`axis` argument is 1 based, received 0")
  out <- ifelse(axis > 0L, axis - 1L, axis)
  if (length(out) > 1) json_array(out) else out
}

normalize_layer_args <- function(args) {
  for (key in intersect(names(args), shape_args)) {
    if (!is.null(args[[key]])) args[[key]] <- normalize_shape(args[[key]])
  }
  if (!is.null(args$target_shape)) args$target_shape <- normalize_shape(args$target_shape, none = -1L)
  for (key in intersect(names(args), axis_args)) args[key] <- list(as_axis(args[[key]]))
  if ("shared_axes" %in% names(args) && !is.null(args$shared_axes)) {
    args$shared_axes <- json_array(unclass(args$shared_axes))
  }
  args
}

# The arguments a generated function was given: its named formals that are not missing, then `...`.
capture_layer_args <- function(env, names, dots) {
  given <- names[!vapply(names, function(n) eval(call("missing", as.name(n)), env), TRUE)]
  args <- mget(given, envir = env)
  if (length(dots)) {
    if (is.null(names(dots)) || any(names(dots) == "")) {
      inlay_stop("layer arguments after the named ones must be named (name = ..., dtype = ...)")
    }
    args <- c(args, dots)
  }
  args
}

# A layer object: a function of `object` (as keras3's layers are), holding its state in an environment.
new_layer <- function(class_name, args) {
  state <- new.env(parent = emptyenv())
  state$class_name <- class_name
  state$args <- args
  state$json <- to_json(if (length(args)) args else structure(list(), names = character()))
  state$graph <- NULL
  state$handle <- NULL
  state$called <- FALSE
  make_in_graph(state, current_graph()) # Keras validates the config and names the layer here
  layer <- function(object) compose_layer(object, layer)
  class(layer) <- c("inlay_layer", "function")
  layer
}

state_of_layer <- function(layer) environment(layer)$state

make_in_graph <- function(state, graph) {
  state$handle <- .Call(r_layer_create, graph, state$class_name, state$json)
  state$graph <- graph
}

# The layer's handle in `graph`, made there if the layer was never called (see the top of this file).
handle_in_graph <- function(state, graph) {
  if (identical(state$graph, graph)) return(state$handle)
  if (state$called) {
    inlay_stop("Layer '", name_of_layer(state), "' was already called on tensors of another graph and cannot ",
               "be called on these (clear_session() started a new graph since). Make a new layer for them.")
  }
  make_in_graph(state, graph)
  state$handle
}

name_of_layer <- function(state) .Call(r_layer_info, state$handle)$name

call_layer <- function(layer, inputs) {
  tensors <- if (inherits(inputs, "inlay_tensor")) list(inputs) else inputs
  if (!is.list(tensors) || length(tensors) == 0 ||
      !all(vapply(tensors, inherits, TRUE, "inlay_tensor"))) {
    inlay_stop("a layer is called on a tensor or a list of tensors (from keras_input() or other layers)")
  }
  state <- state_of_layer(layer)
  graph <- tensor_graph(tensors[[1]])
  handle <- handle_in_graph(state, graph)
  outs <- .Call(r_layer_call, handle, lapply(tensors, function(t) t$ptr))
  state$called <- TRUE
  outs <- lapply(outs, new_tensor)
  if (length(outs) == 1) outs[[1]] else outs
}

compose_layer <- function(object, layer) {
  if (inherits(object, "inlay_sequential")) {
    sequential_add(object, layer)
    return(invisible(object))
  }
  if (inherits(object, "inlay_tensor") || is.list(object)) return(call_layer(layer, object))
  inlay_stop("`object` is a tensor, a list of tensors or a keras_model_sequential(), not ", class(object)[1])
}

# What the generated layer_*() functions call.
create_layer <- function(class_name, object, args) {
  # Force `object` before making the layer, so that a pipe chain makes its layers in order (keras3 does the
  # same, https://github.com/rstudio/keras/issues/1440).
  object <- if (missing(object)) NULL else object
  layer <- new_layer(class_name, normalize_layer_args(args))
  if (is.null(object)) layer else compose_layer(object, layer)
}

# Merge layers: `inputs` (a tensor or a list of tensors), more tensors as unnamed arguments.
create_merge_layer <- function(class_name, inputs, args, dots) {
  unnamed <- if (is.null(names(dots))) rep(TRUE, length(dots)) else names(dots) == ""
  if (inherits(inputs, "inlay_tensor")) inputs <- list(inputs)
  inputs <- c(inputs, dots[unnamed])
  layer <- new_layer(class_name, normalize_layer_args(c(args, dots[!unnamed])))
  if (length(inputs)) call_layer(layer, inputs) else layer
}

# Keras's serialization of a layer passed as an argument (Bidirectional(layer = ...)).
serialize_layer <- function(layer) {
  state <- state_of_layer(layer)
  paste0("{\"class_name\": ", json_strings(state$class_name), ", \"config\": ",
         .Call(r_layer_info, state$handle)$config, "}")
}

format.inlay_layer <- function(x, ...) {
  state <- state_of_layer(x)
  sprintf("<%s name=%s, built=%s>", state$class_name, name_of_layer(state), if (state$called) "True" else "False")
}

print.inlay_layer <- function(x, ...) {
  cat(format(x), "\n", sep = "")
  invisible(x)
}
