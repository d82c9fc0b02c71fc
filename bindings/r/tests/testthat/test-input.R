# keras_input() as keras3 documents it (keras3's R/model-creation.R: keras_input(shape = NULL,
# batch_size = NULL, dtype = NULL, sparse = NULL, ragged = NULL, batch_shape = NULL, name = NULL,
# tensor = NULL, optional = FALSE)), with R's shapes: shape = 32 and c(28, 28, 1), NA or NULL for None.

input_layer_name <- function(t) .Call(r_layer_info, .Call(r_tensor_layer, t$ptr))$name

test_that("keras_input has keras3's arguments, in keras3's order", {
  expect_identical(names(formals(keras_input)),
                   c("shape", "batch_size", "dtype", "sparse", "ragged", "batch_shape", "name", "tensor",
                     "optional"))
  expect_identical(layer_input, keras_input)
})

test_that("R shapes: a number, a vector, NA and NULL for None", {
  clear_session()
  expect_identical(dim(keras_input(shape = 32)), c(NA, 32L))
  expect_identical(dim(keras_input(shape = c(28, 28, 1))), c(NA, 28L, 28L, 1L))
  expect_identical(dim(keras_input(shape = c(NA, 8))), c(NA, NA, 8L))
  expect_identical(dim(keras_input(shape = list(NULL, 8))), c(NA, NA, 8L))
  expect_identical(dim(keras_input(shape = NA)), c(NA_integer_, NA_integer_))
  expect_identical(dim(keras_input(batch_shape = c(NA, 3))), c(NA, 3L))
  expect_identical(dim(keras_input(batch_shape = list(4, NULL, 3))), c(4L, NA, 3L))
  expect_identical(dim(keras_input(shape = 5, batch_size = 2)), c(2L, 5L))
  x <- keras_input(shape = c(10L), dtype = "int32", name = "tokens")
  expect_identical(format(x), "<KerasTensor shape=(None, 10), dtype=int32, sparse=False, name=tokens>")
})

test_that("auto-names count per session, as Keras's; clear_session() starts again", {
  clear_session()
  a <- keras_input(shape = 3)
  b <- keras_input(shape = 3)
  expect_identical(c(tensor_info(a)$name, tensor_info(b)$name), c("keras_tensor", "keras_tensor_1"))
  expect_identical(c(input_layer_name(a), input_layer_name(b)), c("input_layer", "input_layer_1"))
  clear_session()
  expect_identical(input_layer_name(keras_input(shape = 3)), "input_layer")
})

# tests/fixtures/input_cases.json: keras.Input calls with what Keras 3 returned or raised. Replayed where R
# can say the same thing: Input calls only, keras_input's arguments only, shapes as lists of whole numbers
# (R has no bare int for a shape, and keras3's normalize_shape() truncates 3.5 to 3 with as.integer()).
# Where Keras 3 makes the tensor but TensorFlow refuses its TypeSpec (spec_error, e.g. Input(batch_shape=(),
# ragged=True)), that refusal is the reference, as in the C and Python suites: inlay builds the spec with the
# tensor.
# The err_float* cases are Python floats of whole value (3.0, 2.0, 1e20), which Keras refuses; R has one
# number type, and keras3 makes 3 an integer.
python_only <- c("err_float_dim", "err_float_batch_size", "err_batch_shape_list_large_float")
test_that("keras_input replays Keras 3's Input fixtures", {
  cases <- jsonlite::fromJSON(fixture("input_cases.json"), simplifyVector = FALSE)$cases
  whole_dims <- function(shape) {
    is.null(shape) || (is.list(shape) && is.null(names(shape)) && all(vapply(shape, function(d) {
      is.null(d) || (is.numeric(d) && d == round(d))
    }, TRUE)))
  }
  replayable <- function(case) {
    case$follow == "keras3" && all(vapply(case$steps, function(s) {
      kw <- s$kwargs
      s$call == "Input" && all(names(kw) %in% c("shape", "batch_size", "dtype", "sparse", "ragged",
                                                "batch_shape", "name", "optional")) &&
        whole_dims(kw$shape) && whole_dims(kw$batch_shape)
    }, TRUE)) && !(case$id %in% python_only)
  }
  ran <- 0
  for (case in Filter(replayable, cases)) {
    clear_session()
    made <- list()
    for (k in seq_along(case$steps)) {
      kwargs <- case$steps[[k]]$kwargs
      from <- case$steps[[k]]$tensor_from # Input(tensor=<the tensor of an earlier step>)
      if (!is.null(from)) {
        if (!inherits(made[[from + 1]], "inlay_tensor")) next # the harness's "step N failed"
        kwargs$tensor <- made[[from + 1]]
      }
      want <- case$keras3[[k]]
      if (isTRUE(want$ok) && !is.null(want$spec_error)) want <- c(list(ok = FALSE), want$spec_error)
      got <- tryCatch(do.call(keras_input, kwargs), inlay_error = function(e) e)
      made[k] <- list(got)
      if (isTRUE(want$ok)) {
        expect_true(inherits(got, "inlay_tensor"), label = paste(case$id, "makes a tensor"))
        if (!inherits(got, "inlay_tensor")) next
        info <- tensor_info(got)
        expected_shape <- vapply(want$shape, function(d) if (is.null(d)) NA_real_ else as.numeric(d), 1)
        expect_identical(info$shape, expected_shape, label = case$id)
        expect_identical(info$dtype, want$dtype, label = case$id)
        expect_identical(info$name, want$tensor_name, label = case$id)
        expect_identical(input_layer_name(got), want$layer_name, label = case$id)
      } else {
        expect_true(inherits(got, "inlay_error"), label = paste(case$id, "raises"))
        if (!inherits(got, "inlay_error")) next
        expect_identical(conditionMessage(got), want$message, label = case$id)
      }
    }
    ran <- ran + 1
  }
  expect_gte(ran, 100)
})
