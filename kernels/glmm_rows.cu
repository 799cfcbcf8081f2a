// Row kernels: passes over each block's rows. One warp per block: the lanes stride over the block's rows
// and the per-block sums are reduced with warp shuffles. Launch with blockDim a multiple of 32 and at
// least nb warps in all.
#include "fastglmm_problem.h"
#include "fastglmm_family.cuh"
#include "fastglmm_dense.cuh"

#define FG_ACC_A (FG_MAX_M * (FG_MAX_M + 1) / 2)
#define FG_ACC_S (FG_MAX_P * (FG_MAX_P + 1) / 2)

__device__ __forceinline__ long long fg_warp_block(void) { return ((long long)blockIdx.x * blockDim.x + threadIdx.x) / FG_WARP; }
__device__ __forceinline__ int fg_lane(void) { return threadIdx.x % FG_WARP; }

/// eta0 = offset + X beta and the row entries of Z Lambda for every row (one thread per row).
extern "C" __global__ void fg_linear_predictor(fg_problem P)
{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= P.n) return;
    double e = P.offset[i];
    for (int j = 0; j < P.p; j++) e += P.x[(long long)j * P.n + i] * P.beta[j];
    P.eta0[i] = e;
    long long o = i * P.k;
    for (int en = 0; en < P.k; en++) {
        int t = P.entry_term[en], col = P.entry_col[en], q = P.term_q[t], first = en - col, to = P.factor_off[t];
        double v = 0;
        for (int c = col; c < q; c++) v += P.z[o + first + c] * P.factors[to + col * q + c];
        P.zl[o + en] = v;
    }
}

/// The linear predictor of row i at modes u of the block starting at lo.
__device__ __forceinline__ double fg_eta(const fg_problem& P, long long i, const double* u, int lo)
{
    long long o = i * P.k;
    double eta = P.eta0[i];
    for (int e = 0; e < P.k; e++) eta += P.zl[o + e] * u[lo + P.slot[o + e]];
    return eta;
}

/// Adds row i's part of Lambda'Z'WZLambda (packed lower triangle acc, by slot) and of r (r[s] += zl_s * wr).
__device__ __forceinline__ void fg_add_row_system(const fg_problem& P, long long i, double w, double wr, double* acc, double* r)
{
    long long o = i * P.k;
    for (int e = 0; e < P.k; e++) {
        double ze = P.zl[o + e];
        int se = P.slot[o + e];
        r[se] += ze * wr;
        for (int g = 0; g < P.k; g++) {
            int sg = P.slot[o + g];
            if (sg <= se) acc[se * (se + 1) / 2 + sg] += w * ze * P.zl[o + g];
        }
    }
}

/// Sums each of v[0 .. n) over the warp (the totals land in lane 0).
__device__ __forceinline__ void fg_warp_sum_all(double* v, int n)
{
    for (int j = 0; j < n; j++) v[j] = fg_warp_sum(v[j]);
}

/// Lane 0: |u_b|^2 for the block's m modes starting at lo.
__device__ __forceinline__ double fg_sumsq_at(const double* u, int lo, int m)
{
    double s = 0;
    for (int j = 0; j < m; j++) s += u[lo + j] * u[lo + j];
    return s;
}

/// Lane 0: stores A_b = acc + I (both triangles, column-major) and r_b.
__device__ __forceinline__ void fg_store_system(const fg_problem& P, long long b, int lo, int m, const double* acc, const double* r)
{
    double* a = P.a + P.a_off[b];
    for (int row = 0; row < m; row++)
        for (int col = 0; col <= row; col++) {
            double v = acc[row * (row + 1) / 2 + col] + (row == col ? 1.0 : 0.0);
            a[col * m + row] = v;
            a[row * m + col] = v;
        }
    for (int j = 0; j < m; j++) P.rhs[lo + j] = r[j];
}

/// Per flagged block: out[b] = sum_i d_i + |u_b|^2 at u (or at the candidate), and with assemble the
/// system A_b = Lambda'Z'WZLambda + I (both triangles) and r_b = Lambda'Z'W z~.
extern "C" __global__ void fg_pass(fg_problem P, int candidate, int assemble, const unsigned char* flagged, double* out)
{
    long long b = fg_warp_block();
    if (b >= P.nb || (flagged && !flagged[b])) return;
    int lane = fg_lane();
    const double* u = candidate ? P.cand : P.u;
    int lo = P.u_off[b], m = P.u_off[b + 1] - lo, na = m * (m + 1) / 2;
    double acc[FG_ACC_A], r[FG_MAX_M], dev = 0;
    for (int j = 0; j < na; j++) acc[j] = 0;
    for (int j = 0; j < m; j++) r[j] = 0;
    for (long long i = P.row_off[b] + lane; i < P.row_off[b + 1]; i += FG_WARP) {
        double eta0 = P.eta0[i], eta = fg_eta(P, i, u, lo), y = P.y[i], wt = P.wt[i];
        double mu = fg_linkinv(P.link, eta);
        dev += fg_devres(P.family, y, mu, wt);
        if (!assemble) continue;
        double w, wz;
        fg_weights(P.family, P.link, eta, eta0, y, mu, wt, &w, &wz);
        fg_add_row_system(P, i, w, wz, acc, r);
    }
    dev = fg_warp_sum(dev);
    if (assemble) {
        fg_warp_sum_all(acc, na);
        fg_warp_sum_all(r, m);
    }
    if (lane != 0) return;
    out[b] = dev + fg_sumsq_at(u, lo, m);
    if (assemble) fg_store_system(P, b, lo, m, acc, r);
}

/// Per block: out[b] = -2 sum_i log p(y_i | mu_i) at u with dispersion phi.
extern "C" __global__ void fg_loglik(fg_problem P, double phi, double* out)
{
    long long b = fg_warp_block();
    if (b >= P.nb) return;
    int lo = P.u_off[b];
    double ll = 0;
    for (long long i = P.row_off[b] + fg_lane(); i < P.row_off[b + 1]; i += FG_WARP) {
        double mu = fg_linkinv(P.link, fg_eta(P, i, P.u, lo));
        ll += fg_logdens(P.family, P.y[i], mu, P.wt[i], phi);
    }
    ll = fg_warp_sum(ll);
    if (fg_lane() == 0) out[b] = -2 * ll;
}

/// Adaptive Gauss-Hermite terms per block, with A_b factored at u (= the mode): for the count nodes z_k
/// (m each) with log-weights lw_k, out[b] = log sum_k exp(lw_k - (devc(u + L'^-1 z_k) - pdev[b])/2 + |z_k|^2/2),
/// devc(v) = sum_i d_i(v) + |v|^2.
extern "C" __global__ void fg_agq(fg_problem P, const double* nodes, const double* lw, int count, const double* pdev, double* out)
{
    long long b = fg_warp_block();
    if (b >= P.nb) return;
    int lane = fg_lane();
    int lo = P.u_off[b], m = P.u_off[b + 1] - lo;
    const double* l = P.a + P.a_off[b];
    double v[FG_MAX_M];
    double best = -1.0 / 0.0, sum = 0;
    for (int k = 0; k < count; k++) {
        double zz = 0;
        for (int j = 0; j < m; j++) { v[j] = nodes[k * m + j]; zz += v[j] * v[j]; }
        fg_solve_upper_t(l, m, v);
        double vv = 0;
        for (int j = 0; j < m; j++) { v[j] += P.u[lo + j]; vv += v[j] * v[j]; }
        double dev = 0;
        for (long long i = P.row_off[b] + lane; i < P.row_off[b + 1]; i += FG_WARP) {
            long long o = i * P.k;
            double eta = P.eta0[i];
            for (int e = 0; e < P.k; e++) eta += P.zl[o + e] * v[P.slot[o + e]];
            dev += fg_devres(P.family, P.y[i], fg_linkinv(P.link, eta), P.wt[i]);
        }
        dev = fg_warp_sum(dev);
        double term = lw[k] - 0.5 * (dev + vv - pdev[b]) + 0.5 * zz;
        if (term > best) { sum = sum * exp(best - term) + 1.0; best = term; }
        else sum += exp(term - best);
    }
    if (lane == 0) out[b] = best + log(sum);
}

/// Joint (u, beta) PIRLS pass per block at u (or the candidate): A_b, r_b = Lambda'Z'W z~, c_b = Lambda'Z'WX
/// and the block's parts of X'WX (packed lower, column by column) and X'W z~ in joint[b]; out[b] = sum d_i + |u_b|^2.
extern "C" __global__ void fg_joint_pass(fg_problem P, int candidate, double* out)
{
    long long b = fg_warp_block();
    if (b >= P.nb) return;
    int lane = fg_lane();
    const double* u = candidate ? P.cand : P.u;
    int lo = P.u_off[b], m = P.u_off[b + 1] - lo, na = m * (m + 1) / 2, np = P.p, ns = np * (np + 1) / 2;
    double acc[FG_ACC_A], r[FG_MAX_M], c[FG_MAX_M * FG_MAX_P], s[FG_ACC_S], t[FG_MAX_P], dev = 0;
    for (int j = 0; j < na; j++) acc[j] = 0;
    for (int j = 0; j < m; j++) r[j] = 0;
    for (int j = 0; j < m * np; j++) c[j] = 0;
    for (int j = 0; j < ns; j++) s[j] = 0;
    for (int j = 0; j < np; j++) t[j] = 0;
    for (long long i = P.row_off[b] + lane; i < P.row_off[b + 1]; i += FG_WARP) {
        double eta = fg_eta(P, i, u, lo), y = P.y[i], wt = P.wt[i], mu = fg_linkinv(P.link, eta), w, zt;
        dev += fg_devres(P.family, y, mu, wt);
        fg_joint_weights(P.family, P.link, eta, P.offset[i], y, mu, wt, &w, &zt);
        fg_add_row_system(P, i, w, w * zt, acc, r);
        long long o = i * P.k;
        for (int e = 0; e < P.k; e++) {
            double we = w * P.zl[o + e];
            int se = P.slot[o + e];
            for (int j = 0; j < np; j++) c[j * m + se] += we * P.x[(long long)j * P.n + i];
        }
        for (int j = 0; j < np; j++) {
            double xw = w * P.x[(long long)j * P.n + i];
            t[j] += xw * zt;
            for (int l = 0; l <= j; l++) s[j * (j + 1) / 2 + l] += xw * P.x[(long long)l * P.n + i];
        }
    }
    dev = fg_warp_sum(dev);
    fg_warp_sum_all(acc, na);
    fg_warp_sum_all(r, m);
    fg_warp_sum_all(c, m * np);
    fg_warp_sum_all(s, ns);
    fg_warp_sum_all(t, np);
    if (lane != 0) return;
    out[b] = dev + fg_sumsq_at(u, lo, m);
    fg_store_system(P, b, lo, m, acc, r);
    double* cb = P.c + P.c_off[b];
    for (int j = 0; j < m * np; j++) cb[j] = c[j];
    double* jb = P.joint + b * (long long)(ns + np);
    for (int j = 0; j < ns; j++) jb[j] = s[j];
    for (int j = 0; j < np; j++) jb[ns + j] = t[j];
}
