// Small dense Cholesky helpers for one block's m x m system (column-major, lower triangle), the device
// twin of src/FastGlmm/Linalg/DenseCholesky.cs with the same operation order.
#pragma once

/// A = LL' in place (lower triangle); returns 0 when a pivot is not positive.
__device__ __forceinline__ int fg_chol(double* a, int n)
{
    for (int j = 0; j < n; j++) {
        double d = a[j * n + j];
        for (int k = 0; k < j; k++) d -= a[k * n + j] * a[k * n + j];
        if (!(d > 0)) return 0;
        d = sqrt(d);
        a[j * n + j] = d;
        for (int i = j + 1; i < n; i++) {
            double s = a[j * n + i];
            for (int k = 0; k < j; k++) s -= a[k * n + i] * a[k * n + j];
            a[j * n + i] = s / d;
        }
    }
    return 1;
}

/// b <- L^-1 b
__device__ __forceinline__ void fg_solve_lower(const double* l, int n, double* b)
{
    for (int j = 0; j < n; j++) {
        b[j] /= l[j * n + j];
        double bj = b[j];
        for (int i = j + 1; i < n; i++) b[i] -= l[j * n + i] * bj;
    }
}

/// b <- L'^-1 b
__device__ __forceinline__ void fg_solve_upper_t(const double* l, int n, double* b)
{
    for (int j = n - 1; j >= 0; j--) {
        double s = b[j];
        for (int i = j + 1; i < n; i++) s -= l[j * n + i] * b[i];
        b[j] = s / l[j * n + j];
    }
}

__device__ __forceinline__ double fg_logdet(const double* l, int n)
{
    double s = 0;
    for (int j = 0; j < n; j++) s += log(l[j * n + j]);
    return 2 * s;
}
