# Replays the models Keras saved under tests/fixtures (as bindings/go's predict_test.go does): every model
# file of predict_cases.json as .keras, as the TensorFlow.js export of the same weights and as Keras 3
# .h5 where there is one, and the small models of its "cases" built from Keras's to_json() with Keras's
# weights, each predicting what Keras predicted.

manifest <- load_manifest()
tolerance <- manifest$tolerance

test_that("every model file predicts what Keras recorded (.keras, tfjs, Keras 3 .h5)", {
  expect_gte(length(manifest$models), 60)
  files_run <- 0
  for (case in manifest$models) {
    inputs <- lapply(case$inputs, function(p) read_npy(fixture(p)))
    want <- lapply(case$outputs, function(p) read_npy(fixture(p)))
    files <- "model.keras"
    if (isTRUE(case$same_weights_in_tf_keras_and_tfjs)) files <- c(files, "tfjs")
    if (file.exists(fixture("models", case$case, "model_keras3.h5"))) files <- c(files, "model_keras3.h5")
    for (f in files) {
      model <- load_model(fixture("models", case$case, f))
      got <- predict(model, if (length(inputs) == 1) inputs[[1]] else inputs)
      if (length(want) == 1) got <- list(got)
      # tfjs holds tf.keras's model of the same weights, which differed from Keras 3's output by this.
      atol <- tolerance$atol + if (f == "tfjs") case$tf_keras_max_abs_diff else 0
      expect_length(got, length(want))
      for (k in seq_along(want)) {
        expect_all_close(got[[k]], want[[k]], atol, tolerance$rtol, label = paste(case$case, f, k))
      }
      files_run <- files_run + 1
    }
  }
  expect_gte(files_run, 120)
})

test_that("the nested model and the TimeDistributed wrapper predict what Keras recorded", {
  for (dir in c("nested", "time_distributed")) {
    x <- read_npy(fixture("models", dir, "input.npy"))
    want <- read_npy(fixture("models", dir, "expected.npy"))
    for (f in c("model.keras", "model_keras3.h5")) {
      model <- load_model(fixture("models", dir, f))
      expect_all_close(predict(model, x), want, label = paste(dir, f))
    }
  }
})

test_that("the small models of predict_cases.json predict what Keras predicted", {
  ran <- 0
  for (case in manifest$cases) {
    arrays <- c(case$inputs, case$outputs)
    if (!all(vapply(arrays, function(a) identical(a$kind, "dense"), TRUE))) next # sparse / ragged inputs
    model_json <- jsonlite::toJSON(case$model, auto_unbox = TRUE, null = "null", digits = NA)
    model <- model_from_json(model_json)
    shapes <- lapply(case$weight_shapes, function(s) as.numeric(unlist(s)))
    weights <- mapply(function(values, dims) c_to_r(list(data = as.numeric(unlist(values)), dims = dims)),
                      case$weights, shapes, SIMPLIFY = FALSE)
    set_weights(model, weights)
    as_array <- function(a) c_to_r(list(data = as.numeric(unlist(a$values)), dims = as.numeric(unlist(a$shape))))
    inputs <- lapply(case$inputs, as_array)
    want <- lapply(case$outputs, as_array)
    got <- predict(model, if (length(inputs) == 1) inputs[[1]] else inputs)
    if (!is.list(got)) got <- list(got)
    expect_length(got, length(want))
    for (k in seq_along(want)) {
      expect_all_close(got[[k]], want[[k]], tolerance$atol, tolerance$rtol, label = paste(case$name, k))
    }
    ran <- ran + 1
  }
  expect_gte(ran, 300) # the fixtures have about 305 dense cases
})
