# The project's tests/fixtures: models saved by Keras with the inputs and outputs Keras recorded.
# R CMD check runs the tests from a copy of the package, so INLAY_FIXTURES names the directory
# (bindings/r/run_check.sh sets it); from the source tree it is found beside the package. The tests fail,
# not skip, without it: the fixtures are part of the repository.
fixtures_dir <- function() {
  dir <- Sys.getenv("INLAY_FIXTURES")
  if (dir == "") dir <- file.path(test_path(), "..", "..", "..", "..", "tests", "fixtures")
  if (!dir.exists(dir)) stop("no fixtures at ", dir, ": set INLAY_FIXTURES to the project's tests/fixtures")
  normalizePath(dir)
}

fixture <- function(...) file.path(fixtures_dir(), ...)

# The repository's root (for the layer table the layer functions are generated from).
repo_root <- function() normalizePath(file.path(fixtures_dir(), "..", ".."))

# A .npy file as the R array keras3 would make of it (libinlay's reader, then the package's conversion).
read_npy <- function(path) c_to_r(.Call(r_load_npy, path))

# numpy.testing.assert_allclose's test, |got - want| <= atol + rtol * |want|, with equal dims.
expect_all_close <- function(got, want, atol = 1e-5, rtol = 1e-5, label = "") {
  expect_identical(dim(got), dim(want), label = label)
  excess <- abs(got - want) - (atol + rtol * abs(want))
  worst <- if (length(excess)) max(excess) else 0
  expect(worst <= 0, sprintf("%s: %g over the tolerance (atol %g, rtol %g)", label, worst, atol, rtol))
}

load_manifest <- function() {
  jsonlite::fromJSON(fixture("predict_cases.json"), simplifyVector = FALSE)
}
