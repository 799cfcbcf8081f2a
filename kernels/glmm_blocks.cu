// Block kernels: one thread per list entry (fastglmm_problem.h) for the small dense algebra on its block's
// m x m system, and the deterministic column reduction over blocks. Per-entry inputs and outputs are
// indexed by the entry j; the block's state lives at its stacked offsets (fastglmm_stack.cuh).
#include "fastglmm_problem.h"
#include "fastglmm_stack.cuh"
#include "fastglmm_dense.cuh"

__device__ __forceinline__ long long fg_thread(void) { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }

/// Per flagged entry j: factors its block's A in place and stores logdet[j] = log det A (NaN when A is not
/// positive definite). With solve: cand = A^-1 r, decrease[j] = |L'(cand - u)|^2 and ok[j] = positive definite.
extern "C" __global__ void fg_solve(fg_problem P, const unsigned char* flagged, int solve, double* decrease, unsigned char* ok)
{
    long long j = fg_thread();
    if (j >= P.nlist || (flagged && !flagged[j])) return;
    fg_block k = fg_block_of(P, j);
    int m = k.m;
    double* a = P.a + k.ai;
    if (!fg_chol(a, m)) {
        if (!solve) P.logdet[j] = 0.0 / 0.0;
        if (ok) ok[j] = 0;
        return;
    }
    P.logdet[j] = fg_logdet(a, m);
    if (!solve) return;
    double* c = P.cand + k.ui;
    const double* u = P.u + k.ui;
    for (int q = 0; q < m; q++) c[q] = P.rhs[k.ui + q];
    fg_solve_lower(a, m, c);
    fg_solve_upper_t(a, m, c);
    double d = 0;
    for (int q = 0; q < m; q++) {
        double s = 0;
        for (int i = q; i < m; i++) s += a[q * m + i] * (c[i] - u[i]);
        d += s * s;
    }
    decrease[j] = d;
    ok[j] = 1;
}

/// Per flagged entry: op 0 halves its block's step (cand <- (u + cand)/2), op 1 accepts it (u <- cand).
extern "C" __global__ void fg_step(fg_problem P, const unsigned char* flagged, int op)
{
    long long j = fg_thread();
    if (j >= P.nlist || (flagged && !flagged[j])) return;
    fg_block k = fg_block_of(P, j);
    for (long long q = k.ui; q < k.ui + k.m; q++) {
        if (op == 0) P.cand[q] = 0.5 * (P.u[q] + P.cand[q]);
        else P.u[q] = P.cand[q];
    }
}

/// Per entry j: out[j] = |u|^2 over its block's modes.
extern "C" __global__ void fg_sumsq(fg_problem P, double* out)
{
    long long j = fg_thread();
    if (j >= P.nlist) return;
    fg_block k = fg_block_of(P, j);
    double s = 0;
    for (long long q = k.ui; q < k.ui + k.m; q++) s += P.u[q] * P.u[q];
    out[j] = s;
}

/// Joint PIRLS, per block after fg_joint_pass: A_b = L_bL_b', r_b <- L_b^-1 r_b, c_b <- L_b^-1 c_b, and
/// the block's parts of S and t lose R_ZX'R_ZX and R_ZX'c. ok[b] = 0 when A_b is not positive definite.
/// One problem only (reps = 1, list null).
extern "C" __global__ void fg_joint_block(fg_problem P, unsigned char* ok)
{
    long long b = fg_thread();
    if (b >= P.nb) return;
    fg_block k = fg_block_of(P, b);
    int m = k.m, np = P.p, ns = np * (np + 1) / 2;
    double* a = P.a + k.ai;
    if (!fg_chol(a, m)) { ok[b] = 0; return; }
    ok[b] = 1;
    double* r = P.rhs + k.ui;
    double* c = P.c + P.c_off[b];
    fg_solve_lower(a, m, r);
    for (int j = 0; j < np; j++) fg_solve_lower(a, m, c + j * m);
    double* jb = P.joint + b * (long long)(ns + np);
    for (int j = 0; j < np; j++) {
        double sr = 0;
        for (int q = 0; q < m; q++) sr += c[j * m + q] * r[q];
        jb[ns + j] -= sr;
        for (int l = 0; l <= j; l++) {
            double sc = 0;
            for (int q = 0; q < m; q++) sc += c[j * m + q] * c[l * m + q];
            jb[j * (j + 1) / 2 + l] -= sc;
        }
    }
}

/// Joint PIRLS, second half: cand_b = L_b'^-1 (r_b - R_ZX,b beta) with beta = P.beta. One problem only.
extern "C" __global__ void fg_joint_solve(fg_problem P)
{
    long long b = fg_thread();
    if (b >= P.nb) return;
    fg_block k = fg_block_of(P, b);
    int m = k.m;
    const double* a = P.a + k.ai;
    const double* c = P.c + P.c_off[b];
    double* v = P.cand + k.ui;
    for (int q = 0; q < m; q++) v[q] = P.rhs[k.ui + q];
    for (int j = 0; j < P.p; j++) {
        double bj = P.beta[j];
        for (int q = 0; q < m; q++) v[q] -= c[j * m + q] * bj;
    }
    fg_solve_upper_t(a, m, v);
}

/// Column sums of a rows x width row-major matrix in parts fixed parts: thread (part, col) adds rows
/// [part*rows/parts, (part+1)*rows/parts) in order into partial[part*width + col]. The host adds the parts
/// in order, so the total does not depend on the launch.
extern "C" __global__ void fg_reduce(const double* in, long long rows, int width, int parts, double* partial)
{
    long long id = fg_thread();
    if (id >= (long long)parts * width) return;
    int part = (int)(id / width), col = (int)(id % width);
    long long lo = rows * part / parts, hi = rows * (part + 1) / parts;
    double s = 0;
    for (long long i = lo; i < hi; i++) s += in[i * width + col];
    partial[id] = s;
}
