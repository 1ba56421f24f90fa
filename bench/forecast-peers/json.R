# Minimal JSON for the peer scripts: Debian's R has no jsonlite, and the shapes here are flat.
# Writing: json_obj(name = json_arr(x), other = json_num(y)). Reading: flat numeric fields only.

json_num <- function(x) ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
json_arr <- function(x) paste0("[", paste(json_num(x), collapse = ","), "]")
json_str <- function(x) paste0('"', gsub('"', '\\\\"', x), '"')
json_obj <- function(...) {
  fields <- list(...)
  paste0("{", paste(sprintf('"%s":%s', names(fields), unlist(fields)), collapse = ","), "}")
}

json_text <- function(path) paste(readLines(path, warn = FALSE), collapse = "")

# The numeric array under `key`; null becomes NA.
json_get_array <- function(text, key) {
  m <- regmatches(text, regexpr(sprintf('"%s"\\s*:\\s*\\[[^]]*\\]', key), text))
  if (length(m) == 0) stop(sprintf("missing array field \"%s\"", key))
  inner <- sub("\\]$", "", sub('^[^[]*\\[', "", m))
  if (nchar(trimws(inner)) == 0) return(numeric(0))
  parts <- trimws(strsplit(inner, ",", fixed = TRUE)[[1]])
  suppressWarnings(as.numeric(ifelse(parts == "null", NA, parts)))
}

json_get_number <- function(text, key, default = NULL) {
  m <- regmatches(text, regexpr(sprintf('"%s"\\s*:\\s*-?[0-9.eE+-]+', key), text))
  if (length(m) == 0) {
    if (is.null(default)) stop(sprintf("missing number field \"%s\"", key))
    return(default)
  }
  as.numeric(sub('^[^:]*:\\s*', "", m))
}
