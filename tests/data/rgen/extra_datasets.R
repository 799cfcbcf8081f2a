## extra_datasets.R -- exports four extra R data sets to tests/data/extra/ as
## CSV (write.csv(row.names = FALSE)) plus X.levels.json ({"dataset": [...],
## "factor_levels": {col: [levels in R order]}}, factor columns only).
##   contraception.csv  mlmRev::Contraception (woman, district, use, livch, age, urban)
##   grouseticks.csv    lme4::grouseticks, with cHEIGHT = HEIGHT - mean(HEIGHT) recomputed here
##   verbagg.csv        lme4::VerbAgg (id, item, r2, Anger, Gender, btype, situ, resp)
##   guimmun.csv        mlmRev::guImmun (all 13 columns)
## Run: Rscript tests/data/rgen/extra_datasets.R   (R 4.2.2, lme4 1.1-31, mlmRev, jsonlite)
suppressPackageStartupMessages({ library(lme4); library(mlmRev); library(jsonlite) })
script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grepl("^--file=", a)])
  if (length(f)) normalizePath(f[1]) else normalizePath("tests/data/rgen/extra_datasets.R", mustWork = FALSE)
})
out_dir <- normalizePath(file.path(dirname(script_path), "..", "extra"), mustWork = FALSE)
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

export <- function(d, name) {
  for (col in names(d)) if (is.ordered(d[[col]])) d[[col]] <- factor(d[[col]], levels = levels(d[[col]]), ordered = FALSE)
  write.csv(d, file.path(out_dir, paste0(name, ".csv")), row.names = FALSE)
  fl <- list()
  for (col in names(d)) if (is.factor(d[[col]])) fl[[col]] <- I(levels(d[[col]]))
  write_json(list(dataset = I(paste0(name, ".csv")), factor_levels = fl),
             file.path(out_dir, paste0(name, ".levels.json")), pretty = TRUE, auto_unbox = TRUE)
  cat(name, nrow(d), "rows\n")
}

data(Contraception, package = "mlmRev")
export(Contraception[, c("woman", "district", "use", "livch", "age", "urban")], "contraception")

data(grouseticks, package = "lme4")
g <- grouseticks
g$cHEIGHT <- g$HEIGHT - mean(g$HEIGHT)
stopifnot(all(sapply(c("YEAR", "BROOD", "INDEX", "LOCATION"), function(v) is.factor(g[[v]]))))
export(g[, c("INDEX", "TICKS", "BROOD", "HEIGHT", "YEAR", "LOCATION", "cHEIGHT")], "grouseticks")

data(VerbAgg, package = "lme4")
export(VerbAgg[, c("id", "item", "r2", "Anger", "Gender", "btype", "situ", "resp")], "verbagg")

## guImmun: Rodríguez & Goldman (2001)'s Guatemalan immunization data (2,159 children within 1,595 mothers within
## 161 communities), the three-level binary case of the nested adaptive quadrature.
data(guImmun, package = "mlmRev")
export(guImmun, "guimmun")
