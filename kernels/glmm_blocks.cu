// Block kernels: one thread per block for the small dense algebra on each block's m x m system, and the
// deterministic column reduction over blocks.
#include "fastglmm_problem.h"
#include "fastglmm_dense.cuh"

__device__ __forceinline__ long long fg_thread(void) { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }

/// Per flagged block: factors A_b in place and stores log det A_b (NaN when A_b is not positive definite).
/// With solve: cand_b = A_b^-1 r_b, decrease[b] = |L_b'(cand_b - u_b)|^2 and ok[b] = positive definite.
extern "C" __global__ void fg_solve(fg_problem P, const unsigned char* flagged, int solve, double* decrease, unsigned char* ok)
{
    long long b = fg_thread();
    if (b >= P.nb || (flagged && !flagged[b])) return;
    int lo = P.u_off[b], m = P.u_off[b + 1] - lo;
    double* a = P.a + P.a_off[b];
    if (!fg_chol(a, m)) {
        if (!solve) P.logdet[b] = 0.0 / 0.0;
        if (ok) ok[b] = 0;
        return;
    }
    P.logdet[b] = fg_logdet(a, m);
    if (!solve) return;
    double* c = P.cand + lo;
    for (int j = 0; j < m; j++) c[j] = P.rhs[lo + j];
    fg_solve_lower(a, m, c);
    fg_solve_upper_t(a, m, c);
    double d = 0;
    for (int j = 0; j < m; j++) {
        double s = 0;
        for (int i = j; i < m; i++) s += a[j * m + i] * (c[i] - P.u[lo + i]);
        d += s * s;
    }
    decrease[b] = d;
    ok[b] = 1;
}

/// Per flagged block: op 0 halves the step (cand <- (u + cand)/2), op 1 accepts it (u <- cand).
extern "C" __global__ void fg_step(fg_problem P, const unsigned char* flagged, int op)
{
    long long b = fg_thread();
    if (b >= P.nb || (flagged && !flagged[b])) return;
    for (int j = P.u_off[b]; j < P.u_off[b + 1]; j++) {
        if (op == 0) P.cand[j] = 0.5 * (P.u[j] + P.cand[j]);
        else P.u[j] = P.cand[j];
    }
}

/// Per block: out[b] = |u_b|^2.
extern "C" __global__ void fg_sumsq(fg_problem P, double* out)
{
    long long b = fg_thread();
    if (b >= P.nb) return;
    double s = 0;
    for (int j = P.u_off[b]; j < P.u_off[b + 1]; j++) s += P.u[j] * P.u[j];
    out[b] = s;
}

/// Joint PIRLS, per block after fg_joint_pass: A_b = L_bL_b', r_b <- L_b^-1 r_b, c_b <- L_b^-1 c_b, and
/// the block's parts of S and t lose R_ZX'R_ZX and R_ZX'c. ok[b] = 0 when A_b is not positive definite.
extern "C" __global__ void fg_joint_block(fg_problem P, unsigned char* ok)
{
    long long b = fg_thread();
    if (b >= P.nb) return;
    int lo = P.u_off[b], m = P.u_off[b + 1] - lo, np = P.p, ns = np * (np + 1) / 2;
    double* a = P.a + P.a_off[b];
    if (!fg_chol(a, m)) { ok[b] = 0; return; }
    ok[b] = 1;
    double* r = P.rhs + lo;
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

/// Joint PIRLS, second half: cand_b = L_b'^-1 (r_b - R_ZX,b beta) with beta = P.beta.
extern "C" __global__ void fg_joint_solve(fg_problem P)
{
    long long b = fg_thread();
    if (b >= P.nb) return;
    int lo = P.u_off[b], m = P.u_off[b + 1] - lo;
    const double* a = P.a + P.a_off[b];
    const double* c = P.c + P.c_off[b];
    double* v = P.cand + lo;
    for (int q = 0; q < m; q++) v[q] = P.rhs[lo + q];
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
