// A CPU stand-in for the CUDA driver API and NVRTC, for tests on machines without a GPU. It compiles the
// kernels of kernels/*.cu as plain C++ with one lane per warp (FG_WARP = 1, so the warp reductions are
// identities), implements the driver and NVRTC entry points FastGlmm binds (memory is host memory, a
// "module" is the program's name, a launch loops over the grid), and so runs the whole CUDA backend's host
// code and kernel math on the CPU. It checks the host/kernel contract and the kernels' arithmetic; it cannot
// check warp-level parallelism, which only a real GPU exercises.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

struct fg_dim3 { unsigned x, y, z; };
static thread_local fg_dim3 blockIdx, threadIdx, blockDim;
#define __global__
#define __device__
#define __forceinline__ inline
static inline double __shfl_down_sync(unsigned, double v, unsigned, int = 32) { return v; }
static inline double normcdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
using std::exp; using std::expm1; using std::log; using std::log1p; using std::sqrt; using std::fabs;
using std::fmin; using std::fmax; using std::rint; using std::lgamma; using std::atan;

#include "glmm_rows.cu"
#include "glmm_blocks.cu"
#include "importance.cu"

typedef void (*fg_launcher)(void**);
#define ARG(T, i) (*(T*)args[i])
static void L_linear_predictor(void** args) { fg_linear_predictor(ARG(fg_problem, 0), ARG(const int*, 1), ARG(int, 2)); }
static void L_pass(void** args) { fg_pass(ARG(fg_problem, 0), ARG(int, 1), ARG(int, 2), ARG(const unsigned char*, 3), ARG(double*, 4)); }
static void L_loglik(void** args) { fg_loglik(ARG(fg_problem, 0), ARG(const double*, 1), ARG(double*, 2)); }
static void L_agq(void** args) { fg_agq(ARG(fg_problem, 0), ARG(const double*, 1), ARG(const double*, 2), ARG(int, 3), ARG(const double*, 4), ARG(double*, 5)); }
static void L_joint_pass(void** args) { fg_joint_pass(ARG(fg_problem, 0), ARG(int, 1), ARG(double*, 2)); }
static void L_solve(void** args) { fg_solve(ARG(fg_problem, 0), ARG(const unsigned char*, 1), ARG(int, 2), ARG(double*, 3), ARG(unsigned char*, 4)); }
static void L_step(void** args) { fg_step(ARG(fg_problem, 0), ARG(const unsigned char*, 1), ARG(int, 2)); }
static void L_sumsq(void** args) { fg_sumsq(ARG(fg_problem, 0), ARG(double*, 1)); }
static void L_joint_block(void** args) { fg_joint_block(ARG(fg_problem, 0), ARG(unsigned char*, 1)); }
static void L_joint_solve(void** args) { fg_joint_solve(ARG(fg_problem, 0)); }
static void L_reduce(void** args) { fg_reduce(ARG(const double*, 0), ARG(long long, 1), ARG(int, 2), ARG(int, 3), ARG(double*, 4)); }
static void L_is_fixed(void** args) { fg_is_fixed(ARG(fg_importance, 0)); }
static void L_is_draw(void** args) { fg_is_draw(ARG(fg_importance, 0)); }
static void L_is_max(void** args) { fg_is_max(ARG(fg_importance, 0)); }
static void L_is_block_max(void** args) { fg_is_block_max(ARG(fg_importance, 0)); }
static void L_is_sums(void** args) { fg_is_sums(ARG(fg_importance, 0)); }
static void L_is_moments(void** args) { fg_is_moments(ARG(fg_importance, 0)); }
static void L_is_block_sum(void** args) { fg_is_block_sum(ARG(fg_importance, 0), ARG(int, 1), ARG(double*, 2)); }

static const struct { const char* name; fg_launcher f; } kLaunchers[] = {
    {"fg_linear_predictor", L_linear_predictor}, {"fg_pass", L_pass}, {"fg_loglik", L_loglik}, {"fg_agq", L_agq},
    {"fg_joint_pass", L_joint_pass}, {"fg_solve", L_solve}, {"fg_step", L_step}, {"fg_sumsq", L_sumsq},
    {"fg_joint_block", L_joint_block}, {"fg_joint_solve", L_joint_solve}, {"fg_reduce", L_reduce},
    {"fg_is_fixed", L_is_fixed}, {"fg_is_draw", L_is_draw}, {"fg_is_max", L_is_max}, {"fg_is_block_max", L_is_block_max},
    {"fg_is_sums", L_is_sums}, {"fg_is_moments", L_is_moments}, {"fg_is_block_sum", L_is_block_sum},
};

extern "C" {
// ---- driver API ----
int cuInit(unsigned) { return 0; }
int cuDriverGetVersion(int* v) { *v = 13000; return 0; }
int cuDeviceGetCount(int* n) { *n = 1; return 0; }
int cuDeviceGet(int* d, int) { *d = 0; return 0; }
int cuDeviceGetName(char* name, int len, int) { std::snprintf(name, len, "FastGlmm CPU emulator (one lane per warp)"); return 0; }
int cuDeviceGetAttribute(int* v, int attr, int)
{
    switch (attr) { case 75: *v = 8; break; case 76: *v = 0; break; case 36: *v = 1000000; break; case 37: *v = 64; break; default: *v = 1; }
    return 0;
}
int cuDeviceTotalMem_v2(size_t* b, int) { *b = (size_t)1 << 34; return 0; }
int cuDevicePrimaryCtxRetain(void** ctx, int) { *ctx = (void*)1; return 0; }
int cuDevicePrimaryCtxRelease_v2(int) { return 0; }
int cuCtxSetCurrent(void*) { return 0; }
int cuCtxSynchronize(void) { return 0; }
int cuMemGetInfo_v2(size_t* f, size_t* t) { *f = (size_t)1 << 33; *t = (size_t)1 << 34; return 0; }
int cuMemAlloc_v2(uint64_t* p, size_t n)
{
    if (n > ((size_t)1 << 34)) return 2; // CUDA_ERROR_OUT_OF_MEMORY
    void* m = std::malloc(n);
    if (!m) return 2;
    std::memset(m, 0xA5, n); // device memory starts as garbage, not zeros
    *p = (uint64_t)m;
    return 0;
}
int cuMemFree_v2(uint64_t p) { std::free((void*)p); return 0; }
int cuMemcpyHtoD_v2(uint64_t d, const void* h, size_t n) { std::memcpy((void*)d, h, n); return 0; }
int cuMemcpyDtoH_v2(void* h, uint64_t d, size_t n) { std::memcpy(h, (const void*)d, n); return 0; }
int cuMemsetD8_v2(uint64_t d, unsigned char v, size_t n) { std::memset((void*)d, v, n); return 0; }
int cuModuleLoadData(void** m, const void* image) { *m = strdup((const char*)image); return 0; }
int cuModuleUnload(void* m) { std::free(m); return 0; }
int cuModuleGetFunction(void** f, void*, const char* name)
{
    for (auto& l : kLaunchers) if (std::strcmp(l.name, name) == 0) { *f = (void*)l.f; return 0; }
    return 500; // CUDA_ERROR_NOT_FOUND
}
int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned, void*, void** args, void**)
{
    if (gy != 1 || gz != 1 || by != 1 || bz != 1) return 1; // CUDA_ERROR_INVALID_VALUE
    blockDim = {bx, 1, 1};
    for (unsigned g = 0; g < gx; g++)
        for (unsigned t = 0; t < bx; t++) {
            blockIdx = {g, 0, 0};
            threadIdx = {t, 0, 0};
            ((fg_launcher)f)(args);
        }
    return 0;
}
int cuGetErrorName(int e, const char** s) { *s = e == 2 ? "CUDA_ERROR_OUT_OF_MEMORY" : e == 500 ? "CUDA_ERROR_NOT_FOUND" : "CUDA_ERROR_EMULATED"; return 0; }
int cuGetErrorString(int, const char** s) { *s = "emulated error"; return 0; }

// ---- NVRTC: a "program" is its name; compiling checks that it is one of those built in ----
struct fg_program { std::string name; };
int nvrtcVersion(int* major, int* minor) { *major = 13; *minor = 0; return 0; }
int nvrtcCreateProgram(void** prog, const char*, const char* name, int, const char* const*, const char* const*)
{
    *prog = new fg_program{name ? name : ""};
    return 0;
}
int nvrtcCompileProgram(void* prog, int, const char* const*)
{
    auto* p = (fg_program*)prog;
    return p->name == "glmm_rows.cu" || p->name == "glmm_blocks.cu" || p->name == "importance.cu" ? 0 : 6; // NVRTC_ERROR_COMPILATION
}
int nvrtcGetProgramLogSize(void*, size_t* n) { *n = 1; return 0; }
int nvrtcGetProgramLog(void*, char* log) { log[0] = 0; return 0; }
int nvrtcGetCUBINSize(void* prog, size_t* n) { *n = ((fg_program*)prog)->name.size() + 1; return 0; }
int nvrtcGetCUBIN(void* prog, char* out) { auto& s = ((fg_program*)prog)->name; std::memcpy(out, s.c_str(), s.size() + 1); return 0; }
int nvrtcDestroyProgram(void** prog) { delete (fg_program*)*prog; *prog = nullptr; return 0; }
const char* nvrtcGetErrorString(int) { return "emulated NVRTC error"; }
}
