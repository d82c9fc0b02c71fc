# Errors are R conditions (class inlay_error, and inlay_<status> for the C status) whose message is the C
# library's inlay_last_error(): Keras's own text where Keras raises one.

test_that("predict on a wrong shape raises Keras's message as inlay_shape_mismatch", {
  model <- load_model(fixture("models", "logistic_regression", "model.keras"))
  err <- tryCatch(predict(model, matrix(0, 2, 5)), inlay_shape_mismatch = function(e) e)
  expect_s3_class(err, c("inlay_shape_mismatch", "inlay_error", "error", "condition"))
  expect_identical(err$status, "INLAY_SHAPE_MISMATCH")
  # Keras 3.15's model.predict (keras/src/layers/input_spec.py), as in the C API's documentation.
  expect_identical(conditionMessage(err), paste0(
    "Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: ",
    "expected shape=(None, 32), found shape=(2, 5)"))
})

test_that("Keras's argument errors come through keras_input() and layer_*()", {
  clear_session()
  expect_error(keras_input(shape = 3, batch_shape = c(NA, 3)),
               "You cannot pass both `shape` and `batch_shape` at the same time.", fixed = TRUE,
               class = "inlay_invalid_argument")
  expect_error(layer_dense(units = 4, foo = 1), "Unrecognized keyword arguments passed to Dense: {'foo': 1}",
               fixed = TRUE, class = "inlay_invalid_argument")
  x <- keras_input(shape = c(4, 4, 3))
  expect_error(keras_input(shape = 3) |> layer_conv_2d(filters = 1, kernel_size = 3), "expected min_ndim=4, found ndim=2",
               fixed = TRUE, class = "inlay_invalid_argument")
  expect_error(layer_concatenate(x, x, axis = 0), "`axis` argument is 1 based, received 0", fixed = TRUE)
})

test_that("file errors name the file", {
  missing_file <- file.path(tempdir(), "no-such-model.keras")
  err <- tryCatch(load_model(missing_file), inlay_error = function(e) e)
  expect_s3_class(err, "inlay_io_error")
  expect_match(conditionMessage(err), "no-such-model.keras", fixed = TRUE)
  not_a_model <- tempfile(fileext = ".keras")
  writeLines("not a zip", not_a_model)
  expect_error(load_model(not_a_model), class = "inlay_parse_error")
  expect_error(load_model(fixture("models", "nested", "missing_inner.keras")),
               "has no weights for layer 'mixer_down'", fixed = TRUE, class = "inlay_parse_error")
})

test_that("objects restored by unserialize() have NULL handles: a clear error, no crash", {
  clear_session()
  model <- load_model(fixture("models", "logistic_regression", "model.keras"))
  x <- keras_input(shape = 3)
  restored <- unserialize(serialize(model, NULL))
  expect_error(predict(restored, matrix(0, 1, 32)), "the model handle is NULL", class = "error")
  expect_error(summary(restored), "the model handle is NULL")
  restored_x <- unserialize(serialize(x, NULL))
  expect_error(layer_dense(restored_x, units = 2), "handle is NULL")
  expect_identical(dim(predict(model, matrix(0, 1, 32))), c(1L, 16L)) # the original is untouched
})

test_that("finalizers release models and graphs; what is still referenced stays alive", {
  clear_session()
  for (i in 1:20) load_model(fixture("models", "conv_bn_relu", "model.keras"))
  gc()
  # A tensor keeps its graph alive after clear_session(), and a model its graph after its tensors go.
  x <- keras_input(shape = 3)
  clear_session()
  gc()
  model <- keras_model(x, layer_dense(x, units = 2))
  rm(x)
  gc()
  expect_identical(dim(predict(model, matrix(1, 2, 3))), c(2L, 2L))
})

test_that("a layer is made again in a new graph until it is called, then belongs to its graph", {
  clear_session()
  dense <- layer_dense(units = 2)
  clear_session()
  y <- dense(keras_input(shape = 3)) # made again in the new graph
  expect_identical(dim(y), c(NA, 2L))
  clear_session()
  expect_error(dense(keras_input(shape = 3)), "was already called on tensors of another graph")
})

test_that("what is not a model or a tensor is refused with a message", {
  expect_error(predict(list(), 1), class = "error")
  expect_error(summary.inlay_model(list()), "not a model")
  expect_error(keras_model(inputs = 1, outputs = 2), "is a tensor or a list of tensors", class = "inlay_error")
})
