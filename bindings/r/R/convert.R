# R arrays <-> the C ABI's row-major (C order) arrays, as keras3 converts them.
#
# keras3's predict() hands R arrays to NumPy with reticulate (keras_array() in keras3's R/utils.R calls
# np_array()), which keeps R's indexing: an R array of dim c(N, 28, 28, 1) is NumPy's shape (N, 28, 28, 1)
# with x[i, j, k, l] == np_x[i-1, j-1, k-1, l-1]. R stores the first index fastest (column-major), C the
# last, so the C-order buffer of the same array is R's with its axes reversed: aperm(x, rev(axes)).

# list(data = <C-order vector>, dims = <double dims>) of an R array, matrix or vector (a vector is 1-D).
r_to_c <- function(x) {
  if (is.data.frame(x)) x <- as.matrix(x)
  if (!is.numeric(x) && !is.logical(x)) {
    inlay_stop("predict() takes numeric arrays, matrices or vectors, not ", class(x)[1])
  }
  dims <- dim(x)
  if (is.null(dims)) dims <- length(x)
  data <- if (length(dims) > 1) aperm(x, rev(seq_along(dims))) else x
  data <- as.vector(data)
  if (is.logical(data)) data <- as.integer(data)
  list(data = data, dims = as.numeric(dims))
}

# The R array of a C-order result list(data, dims): the inverse of r_to_c().
c_to_r <- function(a) {
  dims <- a$dims
  if (length(dims) == 0) return(a$data[1])
  if (length(dims) == 1) return(array(a$data, dim = dims))
  aperm(array(a$data, dim = rev(dims)), rev(seq_along(dims)))
}
