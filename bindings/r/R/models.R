# Models: keras_model(), keras_model_sequential(), load_model(), predict(), summary(), weights.
#
# A model is an environment (class inlay_model) holding the C model's external pointer, so that a
# Sequential model can grow in place as keras3's does (`model |> layer_dense(4)` adds to `model`).

new_model <- function(ptr, class = character()) {
  model <- new.env(parent = emptyenv())
  model$ptr <- ptr
  class(model) <- c(class, "inlay_model")
  model
}

model_ptr <- function(model) {
  if (!inherits(model, "inlay_model")) inlay_stop("not a model: ", class(model)[1])
  if (is.null(model$ptr)) {
    inlay_stop("This Sequential model has no input shape yet: inlay builds a model as its layers are added, ",
               "so give keras_model_sequential(input_shape = ...) or the first layer's input_shape")
  }
  model$ptr
}

as_tensor_list <- function(x, what) {
  if (inherits(x, "inlay_tensor")) return(list(x))
  if (is.list(x) && length(x) && all(vapply(x, inherits, TRUE, "inlay_tensor"))) return(unname(x))
  inlay_stop("`", what, "` is a tensor or a list of tensors")
}

keras_model <- function(inputs = NULL, outputs = NULL, ...) {
  dots <- list(...)
  unknown <- setdiff(names(dots), "name")
  if (length(unknown)) inlay_stop("keras_model(): unknown argument(s) ", paste(unknown, collapse = ", "))
  ins <- as_tensor_list(inputs, "inputs")
  outs <- as_tensor_list(outputs, "outputs")
  graph <- tensor_graph(ins[[1]])
  ptr <- .Call(r_model_create, graph, lapply(ins, `[[`, "ptr"), lapply(outs, `[[`, "ptr"), dots$name)
  model <- new_model(ptr)
  model$list_output <- is.list(outputs) && length(outputs) > 1
  model
}

keras_model_sequential <- function(input_shape = NULL, name = NULL, ..., input_dtype = NULL,
                                   input_batch_size = NULL, input_sparse = NULL, input_ragged = NULL,
                                   input_batch_shape = NULL, input_name = NULL, input_tensor = NULL,
                                   input_optional = FALSE, trainable = TRUE, layers = list()) {
  if (!is.null(input_tensor)) inlay_stop("keras_model_sequential(): input_tensor is not supported by inlay")
  # keras3 makes an InputLayer from the input_* arguments (InputLayer() in keras3's R/model-creation.R).
  input <- list(shape = normalize_shape(input_shape), batch_size = input_batch_size, dtype = input_dtype,
                sparse = input_sparse, ragged = input_ragged, batch_shape = normalize_shape(input_batch_shape),
                name = input_name)
  input <- c(input[!vapply(input, is.null, TRUE)], list(...))
  if (!identical(input_optional, FALSE)) input$optional <- input_optional
  model <- new_model(NULL, "inlay_sequential")
  model$input <- if (length(input)) input else NULL
  model$name <- name
  model$layers <- list()
  model$list_output <- FALSE
  if (inherits(layers, "inlay_layer")) layers <- list(layers)
  for (layer in layers) sequential_add(model, layer)
  model
}

has_input_shape <- function(layer) {
  any(c("input_shape", "batch_input_shape", "batch_shape", "input_dim") %in% names(state_of_layer(layer)$args))
}

# Adds a layer to a Sequential model. inlay builds models eagerly, so the model is made again, in a graph
# of its own, with the new layer last; the weights it had are kept. On failure (Keras's error for the new
# layer) the model is unchanged.
sequential_add <- function(model, layer) {
  if (!inherits(layer, "inlay_layer")) inlay_stop("only layers are added to a Sequential model")
  layers <- c(model$layers, list(layer))
  if (is.null(model$input) && !has_input_shape(layers[[1]])) {
    model$layers <- layers # built once an input shape is known (never, in inlay: see model_ptr())
    return(invisible(model))
  }
  graph <- .Call(r_graph_new)
  handles <- list()
  if (!is.null(model$input)) {
    input <- .Call(r_input, graph, to_json(model$input), NULL)
    handles <- list(.Call(r_tensor_layer, input))
  }
  for (l in layers) {
    state <- state_of_layer(l)
    handles <- c(handles, list(.Call(r_layer_create, graph, state$class_name, state$json)))
  }
  ptr <- .Call(r_sequential_create, graph, handles, model$name)
  if (!is.null(model$ptr)) copy_weights(model$ptr, ptr)
  model$ptr <- ptr
  model$layers <- layers
  invisible(model)
}

copy_weights <- function(from, to) {
  info <- .Call(r_model_weight_info, from)
  for (i in seq_along(info)) {
    values <- .Call(r_model_get_weight, from, i - 1, info[[i]]$dims)
    .Call(r_model_set_weight, to, i - 1, values)
  }
}

load_model <- function(model, custom_objects = NULL, compile = TRUE, safe_mode = TRUE) {
  if (!is.null(custom_objects)) {
    inlay_stop("load_model(): custom_objects are Python classes; inlay runs only the layers it knows")
  }
  if (is.raw(model)) { # keras3 accepts a serialized .keras file's bytes
    path <- tempfile(pattern = "keras_model-", fileext = ".keras")
    on.exit(unlink(path), add = TRUE)
    writeBin(model, path)
    model <- path
  }
  if (!is.character(model) || length(model) != 1) inlay_stop("load_model(): `model` is a file path")
  new_model(.Call(r_model_load, path.expand(model), NULL))
}

model_from_json <- function(json, custom_objects = NULL) {
  if (!is.null(custom_objects)) inlay_stop("model_from_json(): custom_objects are not supported by inlay")
  new_model(.Call(r_model_from_json, paste(json, collapse = "\n")))
}

# The model's inputs, as the list predict() matches arrays against.
model_inputs <- function(model) {
  info <- .Call(r_model_info, model_ptr(model))
  names(info$inputs) <- vapply(info$inputs, function(t) .Call(r_layer_info, .Call(r_tensor_layer, t))$name, "")
  info$inputs
}

predict.inlay_model <- function(object, x, ..., batch_size = NULL, verbose = "auto", steps = NULL,
                                callbacks = NULL) {
  ptr <- model_ptr(object)
  inputs <- model_inputs(object)
  xs <- if (is.list(x) && !is.data.frame(x)) x else list(x)
  if (!is.null(names(xs)) && all(names(xs) != "")) { # a named list: by input name, as Keras's dict inputs
    missing_names <- setdiff(names(inputs), names(xs))
    if (length(missing_names)) inlay_stop("no array for the model input(s) ", paste(missing_names, collapse = ", "))
    xs <- xs[names(inputs)]
  }
  arrays <- lapply(xs, r_to_c)
  n <- arrays[[1]]$dims[1]
  if (is.null(batch_size) || length(n) == 0 || n <= batch_size) {
    outs <- .Call(r_model_predict, ptr, unname(arrays))
  } else {
    outs <- predict_in_batches(ptr, arrays, n, as.integer(batch_size))
  }
  outs <- lapply(outs, c_to_r)
  if (length(outs) == 1 && !isTRUE(object$list_output)) outs[[1]] else outs
}

# Keras's predict(batch_size = ...): C-order rows are contiguous, so a batch is a slice of the data.
predict_in_batches <- function(ptr, arrays, n, batch_size) {
  parts <- list()
  for (start in seq(0, n - 1, by = batch_size)) {
    rows <- min(batch_size, n - start)
    batch <- lapply(arrays, function(a) {
      per_row <- length(a$data) / a$dims[1]
      list(data = a$data[(start * per_row + 1):((start + rows) * per_row)], dims = c(rows, a$dims[-1]))
    })
    parts[[length(parts) + 1]] <- .Call(r_model_predict, ptr, unname(batch))
  }
  lapply(seq_along(parts[[1]]), function(k) {
    pieces <- lapply(parts, `[[`, k)
    dims <- pieces[[1]]$dims
    dims[1] <- sum(vapply(pieces, function(p) p$dims[1], 0))
    list(data = unlist(lapply(pieces, `[[`, "data")), dims = dims)
  })
}

format.inlay_model <- function(x, ...) {
  if (is.null(x$ptr)) return("<Sequential model without an input shape>")
  .Call(r_model_summary, x$ptr)
}

summary.inlay_model <- function(object, ...) {
  cat(.Call(r_model_summary, model_ptr(object)))
  invisible(object)
}

print.inlay_model <- function(x, ...) {
  cat(format(x))
  invisible(x)
}

get_weights <- function(object, trainable = NA) {
  ptr <- model_ptr(object)
  info <- .Call(r_model_weight_info, ptr)
  lapply(seq_along(info), function(i) {
    dims <- info[[i]]$dims
    c_to_r(list(data = .Call(r_model_get_weight, ptr, i - 1, dims), dims = dims))
  })
}

set_weights <- function(object, weights) {
  ptr <- model_ptr(object)
  info <- .Call(r_model_weight_info, ptr)
  if (length(weights) != length(info)) {
    inlay_stop("You called `set_weights(weights)` on the model with a weight list of length ",
               length(weights), ", but the model was expecting ", length(info), " weights.")
  }
  for (i in seq_along(info)) {
    w <- r_to_c(weights[[i]])
    scalar <- length(info[[i]]$dims) == 0 && length(w$data) == 1
    if (!scalar && !identical(as.numeric(w$dims), as.numeric(info[[i]]$dims))) {
      inlay_stop("Weight ", info[[i]]$name, " has shape ", format_dims(info[[i]]$dims),
                 ", the value given has shape ", format_dims(w$dims))
    }
    .Call(r_model_set_weight, ptr, i - 1, as.double(w$data))
  }
  invisible(object)
}
