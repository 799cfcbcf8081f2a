// Included before every kernel by the CI syntax check (clang-14 -x cuda --cuda-device-only -nocudainc
// -nocudalib): the qualifiers, built-in variables and device functions that NVRTC provides implicitly.
#pragma once
#define __host__ __attribute__((host))
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#define __forceinline__ __inline__ __attribute__((always_inline))
#include <__clang_cuda_builtin_vars.h>

__device__ double exp(double);
__device__ double expm1(double);
__device__ double log(double);
__device__ double log1p(double);
__device__ double sqrt(double);
__device__ double fabs(double);
__device__ double atan(double);
__device__ double fmin(double, double);
__device__ double fmax(double, double);
__device__ double rint(double);
__device__ double lgamma(double);
__device__ double normcdf(double);
__device__ double __shfl_down_sync(unsigned int, double, unsigned int, int = 32);
__device__ void __syncthreads(void);
