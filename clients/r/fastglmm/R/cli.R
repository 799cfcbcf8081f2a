## How the package finds and runs the fastglmm command line.

#' The fastglmm command: options(fastglmm.cli = ...), else the environment variable FASTGLMM_CLI, else `fastglmm` on
#' the PATH (the .NET tool: dotnet tool install --global FastGlmm.Cli). A value may be a program with arguments, e.g.
#' "dotnet /path/to/FastGlmm.Cli.dll".
fg_cli <- function() {
  cli <- getOption("fastglmm.cli", Sys.getenv("FASTGLMM_CLI", ""))
  if (!nzchar(cli)) cli <- Sys.which("fastglmm")
  if (!nzchar(cli))
    stop("fastglmm: the fastglmm command was not found; install it (dotnet tool install --global FastGlmm.Cli) ",
         "or set options(fastglmm.cli = \"/path/to/fastglmm\")", call. = FALSE)
  cli
}

## Runs `fastglmm args...`; returns its standard output. A non-zero exit is an R error with the CLI's one-line message.
fg_run <- function(args) {
  cli <- strsplit(fg_cli(), " ", fixed = TRUE)[[1]]
  out <- tempfile("fastglmm-out-"); err <- tempfile("fastglmm-err-")
  on.exit(unlink(c(out, err)), add = TRUE)
  status <- system2(cli[1], c(cli[-1], shQuote(args)), stdout = out, stderr = err)
  stdout <- if (file.exists(out)) readLines(out, warn = FALSE) else character()
  stderr <- if (file.exists(err)) readLines(err, warn = FALSE) else character()
  if (!identical(as.integer(status), 0L)) {
    msg <- sub("^error: ", "", stderr[nzchar(stderr)])
    stop("fastglmm: ", if (length(msg)) paste(msg, collapse = "; ") else paste("exit status", status), call. = FALSE)
  }
  for (line in stderr[grepl("^(warning|note): ", stderr)]) message("fastglmm ", line)
  stdout
}

## Writes the data frame as the CSV the CLI reads (NA as NA) and its factors' levels as a levels file, so the CLI
## codes factors with R's level order. Returns the data arguments for the CLI.
fg_data_args <- function(data, dir) {
  if (!is.data.frame(data)) stop("fastglmm: data must be a data frame", call. = FALSE)
  csv <- file.path(dir, "data.csv")
  d <- data
  factors <- names(d)[vapply(d, is.factor, logical(1))]
  for (col in factors) d[[col]] <- as.character(d[[col]])
  write.csv(d, csv, row.names = FALSE, na = "NA")
  args <- c("--data", csv)
  if (length(factors)) {
    lv <- file.path(dir, "levels.json")
    jsonlite::write_json(list(factor_levels = lapply(setNames(factors, factors), function(f) levels(data[[f]]))), lv)
    args <- c(args, "--levels-file", lv, unlist(lapply(factors, function(f) c("--factor", f))))
  }
  args
}

## The family as the CLI names it: "binomial(logit)", "poisson(log)", "Gamma(log)", "gaussian(identity)".
fg_family_text <- function(family) {
  if (is.character(family)) family <- get(family, mode = "function", envir = parent.frame(2))
  if (is.function(family)) family <- family()
  if (!inherits(family, "family")) stop("fastglmm: family must be a family such as binomial or poisson(link = \"log\")", call. = FALSE)
  paste0(family$family, "(", family$link, ")")
}

fg_formula_text <- function(formula) paste(trimws(deparse(formula, width.cutoff = 500L)), collapse = " ")
