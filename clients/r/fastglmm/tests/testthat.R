library(testthat)
library(fastglmm)
test_check("fastglmm")
