# R arrays are column-major; the C ABI's are row-major. The package converts as keras3 does (R's x[i, j, k]
# is NumPy's x[i-1, j-1, k-1]), checked here against references that do not use the package's conversion:
# a .npy file read byte by byte, and layers whose effect on positions is known (Flatten is row-major in
# Keras, Permute swaps axes, Dense is a matrix product).

# numpy's .npy format 1.0 read with readBin: little-endian float32, C order.
read_npy_bytes <- function(path) {
  con <- file(path, "rb")
  on.exit(close(con))
  expect_identical(readBin(con, "raw", 6), as.raw(c(0x93, charToRaw("NUMPY"))))
  version <- readBin(con, "integer", 2, size = 1)
  header_len <- if (version[1] == 1) readBin(con, "integer", 1, size = 2, endian = "little", signed = FALSE)
                else readBin(con, "integer", 1, size = 4, endian = "little")
  header <- rawToChar(readBin(con, "raw", header_len))
  expect_match(header, "'descr': '<f4'", fixed = TRUE)
  expect_match(header, "'fortran_order': False", fixed = TRUE)
  shape <- as.numeric(strsplit(sub(".*'shape': \\(([^)]*)\\).*", "\\1", header), ",")[[1]])
  shape <- shape[!is.na(shape)]
  list(dims = shape, values = readBin(con, "numeric", prod(shape), size = 4, endian = "little"))
}

test_that("an array read from .npy has NumPy's element at R's index (checked element by element)", {
  path <- fixture("models", "mnist_cnn_functional", "predict", "input_0.npy") # (N, 28, 28, 1)
  raw <- read_npy_bytes(path)
  x <- read_npy(path)
  expect_identical(dim(x), as.integer(raw$dims))
  # Every index tuple, and its C-order offset sum((i - 1) * stride) with row-major strides.
  idx <- as.matrix(expand.grid(lapply(raw$dims, seq_len)))
  strides <- rev(cumprod(c(1, rev(raw$dims)[-length(raw$dims)])))
  offsets <- as.vector((idx - 1) %*% strides)
  expect_identical(x[idx], raw$values[offsets + 1])
  expect_gt(length(unique(raw$values)), 100) # not a symmetric or constant input
})

test_that("predict takes R arrays in keras3's index order: Flatten is row-major over R's indices", {
  clear_session()
  inp <- keras_input(shape = c(2, 3))
  model <- keras_model(inp, layer_flatten(inp))
  x <- array(seq_len(2 * 2 * 3) * 1.5, dim = c(2, 2, 3)) # every value distinct
  y <- predict(model, x)
  expect_identical(dim(y), c(2L, 6L))
  for (n in 1:2) for (j in 1:2) for (k in 1:3) expect_identical(y[n, (j - 1) * 3 + k], x[n, j, k])
})

test_that("Permute moves R's axes as Keras moves NumPy's", {
  clear_session()
  inp <- keras_input(shape = c(2, 3))
  model <- keras_model(inp, layer_permute(inp, dims = c(2, 1)))
  x <- array(c(0.5, 7, -2, 3.25, 11, 4, -6, 8, 1, 9.5, -3, 2), dim = c(2, 2, 3))
  y <- predict(model, x)
  expect_identical(dim(y), c(2L, 3L, 2L))
  expect_identical(y, aperm(x, c(1, 3, 2)))
})

test_that("Dense weights are R matrices of Keras's (in, out) shape: predict is x %*% kernel + bias", {
  clear_session()
  inp <- keras_input(shape = 3)
  model <- keras_model(inp, layer_dense(inp, units = 2))
  kernel <- matrix(c(1, -2, 0.5, 3, 0.25, -1), nrow = 3) # 3 x 2, not symmetric
  bias <- c(0.125, -4)
  set_weights(model, list(kernel, bias))
  got <- get_weights(model)
  expect_identical(got[[1]], kernel)
  expect_identical(as.vector(got[[2]]), bias)
  # The library holds the kernel in C order: row i is kernel[i, ].
  expect_identical(.Call(r_model_get_weight, model$ptr, 0, c(3, 2)), as.vector(t(kernel)))
  x <- matrix(c(1, 2, 3, 4, -1, 0.5, 2, -3, 0, 1, 0.75, -2), nrow = 4) # 4 x 3
  expect_equal(predict(model, x), x %*% kernel + matrix(bias, 4, 2, byrow = TRUE), tolerance = 1e-6)
})

test_that("a vector is a 1-D array; predict(batch_size = ) gives the one-call result", {
  model <- load_model(fixture("models", "mnist_cnn_functional", "model.keras"))
  x <- read_npy(fixture("models", "mnist_cnn_functional", "predict", "input_0.npy"))
  x7 <- x[rep_len(seq_len(dim(x)[1]), 7), , , , drop = FALSE]
  x7[7, 3, 4, 1] <- 0.5 # the rows repeat; make the last one new
  # Batches of 3, 3 and 1 run plans of their own: float32 rounding differs, not the rows' order.
  expect_all_close(predict(model, x7, batch_size = 3), predict(model, x7), label = "batch_size = 3")
  expect_all_close(predict(model, x7[7, , , , drop = FALSE]), predict(model, x7)[7, , drop = FALSE],
                   label = "row 7 alone")
  expect_identical(c_to_r(r_to_c(c(1, 2, 3))), array(c(1, 2, 3)))
})

test_that("integer inputs reach an Embedding as ids", {
  clear_session()
  ids <- keras_input(shape = 3, dtype = "int32")
  model <- keras_model(ids, layer_embedding(ids, input_dim = 5, output_dim = 2))
  table <- matrix(c(0, 1, 2, 3, 4, 10, 20, 30, 40, 50), nrow = 5) # row r is id r - 1
  set_weights(model, list(table))
  x <- matrix(c(4L, 0L, 2L, 1L, 3L, 3L), nrow = 2)
  y <- predict(model, x)
  expect_identical(dim(y), c(2L, 3L, 2L))
  for (n in 1:2) for (t in 1:3) expect_identical(y[n, t, ], table[x[n, t] + 1, ])
})
