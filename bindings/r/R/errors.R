# Errors: every failure of the C library becomes an R condition carrying inlay_last_error(), which is
# Keras's own message where Keras raises one. The condition's classes name the C status, so callers can
# tryCatch(inlay_shape_mismatch = ...) or catch every library error with inlay_error.

# Called from the C glue (src/inlay_r.c, raise_status) with the status name ("INLAY_SHAPE_MISMATCH") and
# the message; never returns.
.inlay_raise <- function(status, message) {
  kind <- paste0("inlay_", tolower(sub("^INLAY_", "", status)))
  cond <- structure(
    class = c(kind, "inlay_error", "error", "condition"),
    list(message = message, call = NULL, status = status)
  )
  stop(cond)
}

# An R-side argument error, in the same condition classes as the library's INVALID_ARGUMENT.
inlay_stop <- function(...) .inlay_raise("INLAY_INVALID_ARGUMENT", paste0(...))
