# The layer_*() functions: generated from the library's table of layer classes, named and called as
# keras3's, and building models that predict what the same models loaded from Keras's files predict.

generator <- function() {
  env <- new.env()
  sys.source(file.path(repo_root(), "bindings", "r", "tools", "gen_layers.R"), envir = env)
  env
}

test_that("R/layers_generated.R and man/layers.Rd are what tools/gen_layers.R makes of the table", {
  gen <- generator()
  out <- gen$generate(repo_root())
  committed <- function(...) paste0(paste(readLines(file.path(repo_root(), "bindings", "r", ...)),
                                          collapse = "\n"), "\n")
  expect_identical(committed("R", "layers_generated.R"), out$r)
  expect_identical(committed("man", "layers.Rd"), out$rd)
})

test_that("the installed package has one function per layer class, with Keras's positional arguments", {
  gen <- generator()
  table <- gen$read_table(file.path(repo_root(), "src", "layers", "layer_classes.def"))
  expect_gte(length(table$classes), 80)
  exported <- getNamespaceExports("inlay")
  for (i in seq_along(table$classes)) {
    name <- gen$r_function_name(table$classes[i])
    expect_true(name %in% exported, label = name)
    merge <- table$classes[i] %in% gen$merge_classes
    want <- if (merge) c("inputs", "...", table$positional[[i]]) else c("object", table$positional[[i]], "...")
    expect_identical(names(formals(get(name, asNamespace("inlay")))), want, label = name)
  }
})

test_that("names follow keras3's (its R/layers-*.R)", {
  gen <- generator()
  keras3 <- c(Conv2D = "layer_conv_2d", BatchNormalization = "layer_batch_normalization",
              GlobalAveragePooling2D = "layer_global_average_pooling_2d", LSTM = "layer_lstm",
              Conv1DTranspose = "layer_conv_1d_transpose", UpSampling2D = "layer_upsampling_2d",
              LeakyReLU = "layer_activation_leaky_relu", PReLU = "layer_activation_parametric_relu",
              RMSNormalization = "layer_rms_normalization", SimpleRNN = "layer_simple_rnn",
              MultiHeadAttention = "layer_multi_head_attention", ZeroPadding2D = "layer_zero_padding_2d",
              LayerNormalization = "layer_layer_normalization", EinsumDense = "layer_einsum_dense",
              DepthwiseConv2D = "layer_depthwise_conv_2d", Softmax = "layer_activation_softmax")
  for (cl in names(keras3)) expect_identical(gen$r_function_name(cl), keras3[[cl]])
})

test_that("a functional model built with layer_*() predicts what Keras's file of it predicts", {
  clear_session()
  dir <- fixture("models", "resnet_identity_block")
  loaded <- load_model(file.path(dir, "model.keras"))
  x <- keras_input(shape = c(8, 8, 8))
  branch <- x |>
    layer_conv_2d(filters = 8, kernel_size = c(3, 3), padding = "same", use_bias = FALSE) |>
    layer_batch_normalization() |>
    layer_activation("relu") |>
    layer_conv_2d(filters = 8, kernel_size = 3, padding = "same", use_bias = FALSE) |>
    layer_batch_normalization()
  y <- layer_add(x, branch) |> layer_activation("relu") |> layer_global_average_pooling_2d() |>
    layer_dense(units = 4, activation = "softmax")
  built <- keras_model(x, y)
  set_weights(built, get_weights(loaded))
  input <- read_npy(file.path(dir, "predict", "input_0.npy"))
  want <- read_npy(file.path(dir, "predict", "output_0.npy"))
  expect_all_close(predict(built, input), want, label = "built")
  expect_identical(predict(built, input), predict(loaded, input))
  expect_identical(format(built), format(loaded)) # the same summary table, layer names included
})

test_that("a Sequential model grows with pipes and predicts what Keras's file of it predicts", {
  clear_session()
  dir <- fixture("models", "mnist_cnn_sequential")
  loaded <- load_model(file.path(dir, "model.keras"))
  model <- keras_model_sequential(input_shape = c(28, 28, 1))
  model |>
    layer_conv_2d(filters = 32, kernel_size = c(3, 3), activation = "relu") |>
    layer_max_pooling_2d(pool_size = c(2, 2)) |>
    layer_conv_2d(filters = 64, kernel_size = c(3, 3), activation = "relu") |>
    layer_flatten() |>
    layer_dense(units = 10, activation = "softmax")
  expect_length(model$layers, 5)
  set_weights(model, get_weights(loaded))
  input <- read_npy(file.path(dir, "predict", "input_0.npy"))
  expect_all_close(predict(model, input), read_npy(file.path(dir, "predict", "output_0.npy")))
  text <- capture.output(summary(model))
  expect_identical(text[1], "Model: \"sequential\"")
  expect_true(any(grepl("Total params: 96,266", text, fixed = TRUE))) # 320 + 18,496 + 7,744 * 10 + 10
  # Adding keeps the weights; an add Keras refuses leaves the model as it was.
  before <- predict(model, input)
  expect_error(model |> layer_conv_2d(filters = 1, kernel_size = 3), class = "inlay_invalid_argument")
  expect_length(model$layers, 5)
  model |> layer_activation("linear")
  expect_identical(predict(model, input), before)
})

test_that("keras_model_sequential(layers = ) and a Sequential without an input shape", {
  clear_session()
  model <- keras_model_sequential(input_shape = 4, layers = list(layer_dense(units = 3), layer_dense(units = 1)))
  expect_identical(dim(predict(model, matrix(1, 5, 4))), c(5L, 1L))
  lazy <- keras_model_sequential()
  lazy |> layer_dense(units = 3)
  expect_error(predict(lazy, matrix(1, 2, 4)), "has no input shape yet")
  first <- keras_model_sequential() |> layer_dense(units = 3, input_shape = 4)
  expect_identical(dim(predict(first, matrix(1, 2, 4))), c(2L, 3L))
})

test_that("several inputs and outputs: lists in, a list out; named lists match input names", {
  dir <- fixture("models", "two_inputs_two_outputs")
  model <- load_model(file.path(dir, "model.keras"))
  a <- read_npy(file.path(dir, "predict", "input_0.npy"))
  b <- read_npy(file.path(dir, "predict", "input_1.npy"))
  want <- list(read_npy(file.path(dir, "predict", "output_0.npy")), read_npy(file.path(dir, "predict", "output_1.npy")))
  got <- predict(model, list(a, b))
  for (k in 1:2) expect_all_close(got[[k]], want[[k]])
  expect_identical(predict(model, list(b = b, a = a)), got)
  expect_error(predict(model, list(a = a, c = b)), "no array for the model input(s) b", fixed = TRUE)
})

test_that("keras3's argument forms: axes from 1, layers as arguments, merge inputs as arguments", {
  clear_session()
  a <- keras_input(shape = 3)
  b <- keras_input(shape = 2)
  expect_identical(dim(layer_concatenate(a, b, axis = 2)), c(NA, 5L))
  expect_identical(dim(layer_concatenate(list(a, b), axis = -1)), c(NA, 5L))
  config <- function(t) .Call(r_layer_info, .Call(r_tensor_layer, t$ptr))$config
  expect_match(config(layer_concatenate(a, b, axis = 2)), "\"axis\":1}", fixed = TRUE)
  seq_in <- keras_input(shape = c(5, 3))
  out <- seq_in |> layer_bidirectional(layer = layer_lstm(units = 4))
  expect_identical(dim(out), c(NA, 8L))
  expect_identical(dim(layer_reshape(keras_input(shape = 6), target_shape = c(NA, 2))), c(NA, 3L, 2L))
  expect_s3_class(layer_add(), "inlay_layer") # no inputs: the layer itself
})
