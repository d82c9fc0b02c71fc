# Keras keyword arguments cross the C ABI as JSON text (inlay.h, "JSON"). This is the small encoder the
# package needs (base R has none): NULL and NA are JSON null (Python's None), a length-1 vector is a
# scalar, a longer vector or an unnamed list an array, a named list an object, and a layer object its
# Keras serialization {"class_name": ..., "config": ...} (Bidirectional(layer = ...), TimeDistributed).

# Marks a value that is always a JSON array, even of length 1 (shapes: c(32) is [32], not 32).
json_array <- function(x) structure(x, class = "inlay_json_array")

to_json <- function(x) {
  if (is.null(x)) return("null")
  if (inherits(x, "inlay_layer")) return(serialize_layer(x))
  if (is.list(x)) return(json_list(x))
  if (is.factor(x)) x <- as.character(x)
  values <- if (is.character(x)) {
    json_strings(x)
  } else if (is.logical(x)) {
    ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  } else if (is.numeric(x)) {
    json_numbers(x)
  } else {
    inlay_stop("cannot pass an R ", class(x)[1], " to Keras as an argument")
  }
  if (length(x) == 1 && !inherits(x, "inlay_json_array")) values
  else paste0("[", paste(values, collapse = ", "), "]")
}

json_list <- function(x) {
  values <- vapply(x, to_json, "")
  keys <- names(x)
  if (is.null(keys) || inherits(x, "inlay_json_array")) {
    return(paste0("[", paste(values, collapse = ", "), "]"))
  }
  if (any(keys == "")) inlay_stop("a list of Keras arguments has an unnamed element")
  paste0("{", paste(json_strings(keys), values, sep = ": ", collapse = ", "), "}")
}

json_strings <- function(x) {
  x <- enc2utf8(x)
  out <- vapply(x, function(s) {
    if (is.na(s)) return("null")
    s <- gsub("\\", "\\\\", s, fixed = TRUE)
    s <- gsub("\"", "\\\"", s, fixed = TRUE)
    s <- gsub("\n", "\\n", s, fixed = TRUE)
    s <- gsub("\r", "\\r", s, fixed = TRUE)
    s <- gsub("\t", "\\t", s, fixed = TRUE)
    # Other control characters as \u00XX (JSON forbids them raw).
    chars <- utf8ToInt(s)
    if (any(chars < 32)) {
      pieces <- vapply(chars, function(ch) {
        if (ch < 32) sprintf("\\u%04x", ch) else intToUtf8(ch)
      }, "")
      s <- paste(pieces, collapse = "")
    }
    paste0("\"", s, "\"")
  }, "", USE.NAMES = FALSE)
  out
}

# Whole numbers print as integers (Keras's int arguments: units = 16 in R is the double 16); others with
# the fewest digits that read back as the same double.
json_numbers <- function(x) {
  x <- as.numeric(x)
  vapply(x, function(v) {
    if (is.na(v)) return("null")
    if (!is.finite(v)) inlay_stop("cannot pass ", v, " to Keras as JSON")
    if (v == round(v) && abs(v) < 2^53) return(sprintf("%.0f", v))
    short <- sprintf("%.15g", v)
    if (as.numeric(short) == v) short else sprintf("%.17g", v)
  }, "", USE.NAMES = FALSE)
}
