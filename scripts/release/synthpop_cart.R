# Synthesises a survey file with R's synthpop (sequential CART, its default method),
# so that canvass's release can be compared with synthpop's on the same measures:
# canvass's scorer and scripts/release/score_sdmetrics.py read the files this writes.
#
#   Rscript scripts/release/synthpop_cart.R RAW.tsv CODEBOOK.json OUT_DIR [SEED [FIRST,...]]
#
# Writes OUT_DIR/responses.tsv (synthesised from every raw row) and
# OUT_DIR/dcr-synthetic.tsv (synthesised from the raw rows at even 0-based positions
# only; the odd ones are held out for the distance-to-closest-record share), each in the
# raw file's header and column order, tab-separated, blank for no answer.
#
# The survey is encoded as canvass encodes it (crates/canvass-synth/src/release/
# encoded.rs): a multi-select named in the codebook becomes one binary variable per
# option, a column of numbers with at least 15 distinct values is numeric, everything
# else is categorical with "no answer" left as NA, which synthpop models as a value of
# its own. synthpop's defaults are kept: cart.minbucket = 5, cart.cp = 1e-8, donors
# drawn from the leaves, no smoothing. The visit sequence is the columns named in FIRST
# (the quasi-identifiers, as canvass visits them), then the rest in column order.
# A factor of more than 60 levels (countries) makes rpart's search over its splits
# explode when it is a predictor; as synthpop's own message advises, such variables are
# visited last (and the limit on levels raised to 250).
#
# Needs R with synthpop and jsonlite, e.g. `R CMD INSTALL` of synthpop's source into a
# library named by R_LIBS.

suppressPackageStartupMessages({
  library(synthpop)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3) stop("usage: synthpop_cart.R RAW.tsv CODEBOOK.json OUT_DIR [SEED]")
raw_path <- args[1]
codebook_path <- args[2]
out_dir <- args[3]
seed <- if (length(args) >= 4) as.integer(args[4]) else 2020L
first <- if (length(args) >= 5) strsplit(args[5], ",", fixed = TRUE)[[1]] else character(0)

raw <- read.delim(raw_path, colClasses = "character", na.strings = "", quote = "",
                  check.names = FALSE, encoding = "UTF-8")
codebook <- fromJSON(codebook_path, simplifyVector = FALSE)
multis <- list()
for (q in codebook$questions) {
  if (identical(q$kind, "multi") && q$id %in% names(raw)) {
    multis[[q$id]] <- list(options = unlist(q$options), separator = q$separator)
  }
}

encode <- function(df) {
  out <- list()
  for (name in names(df)) {
    cells <- df[[name]]
    if (!is.null(multis[[name]])) {
      m <- multis[[name]]
      picked <- lapply(cells, function(x) if (is.na(x)) NA else strsplit(x, m$separator, fixed = TRUE)[[1]])
      for (opt in m$options) {
        v <- vapply(picked, function(p) if (length(p) == 1 && is.na(p[1])) NA_character_
                    else if (opt %in% p) "selected" else "not selected", "")
        out[[paste0(name, "[", opt, "]")]] <- factor(v, levels = c("not selected", "selected"))
      }
    } else {
      num <- suppressWarnings(as.numeric(cells))
      numeric_column <- all(is.na(cells) == is.na(num)) && length(unique(num[!is.na(num)])) >= 15
      out[[name]] <- if (numeric_column) num else factor(cells)
    }
  }
  as.data.frame(out, check.names = FALSE, stringsAsFactors = FALSE)
}

decode <- function(syn, template) {
  out <- list()
  for (name in names(template)) {
    if (!is.null(multis[[name]])) {
      m <- multis[[name]]
      cols <- paste0(name, "[", m$options, "]")
      first <- as.character(syn[[cols[1]]])
      cell <- character(nrow(syn))
      for (i in seq_len(nrow(syn))) {
        if (is.na(first[i])) { cell[i] <- NA; next }
        chosen <- m$options[vapply(cols, function(col) identical(as.character(syn[[col]][i]), "selected"), TRUE)]
        cell[i] <- paste(chosen, collapse = m$separator)
      }
      out[[name]] <- cell
    } else {
      v <- syn[[name]]
      out[[name]] <- if (is.numeric(v)) format(v, trim = TRUE, scientific = FALSE, drop0trailing = TRUE) else as.character(v)
      out[[name]][is.na(v)] <- NA
    }
  }
  as.data.frame(out, check.names = FALSE, stringsAsFactors = FALSE)
}

synthesise <- function(df) {
  enc <- encode(df)
  # synthpop wants plain names; the encoding's names come back after synthesis.
  encoded_names <- names(enc)
  question_of <- sub("\\[.*\\]$", "", encoded_names)
  visit <- c(which(question_of %in% first), which(!(question_of %in% first)))
  many <- vapply(enc, function(v) is.factor(v) && nlevels(v) > 60, TRUE)
  visit <- c(visit[!many[visit]], visit[many[visit]])
  names(enc) <- paste0("v", seq_along(enc))
  s <- syn(enc, method = "cart", m = 1, k = nrow(enc), seed = seed,
           visit.sequence = visit, cart.minbucket = 5, cart.cp = 1e-8,
           print.flag = FALSE, minnumlevels = 1, maxfaclevels = 250,
           drop.not.used = FALSE)
  names(s$syn) <- encoded_names
  decode(s$syn, df)
}

dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
write_tsv <- function(df, path) {
  write.table(df, path, sep = "\t", quote = FALSE, row.names = FALSE, na = "", fileEncoding = "UTF-8")
}
write_tsv(synthesise(raw), file.path(out_dir, "responses.tsv"))
fit <- raw[seq(1, nrow(raw), by = 2), , drop = FALSE]
write_tsv(synthesise(fit), file.path(out_dir, "dcr-synthetic.tsv"))
cat("wrote", file.path(out_dir, "responses.tsv"), "and dcr-synthetic.tsv\n")
