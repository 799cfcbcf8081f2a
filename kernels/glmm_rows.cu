// Row kernels: passes over each block's rows. One warp per list entry (fastglmm_problem.h): the lanes
// stride over the block's rows and the per-block sums are reduced with warp shuffles. Launch with blockDim
// a multiple of 32 and at least nlist warps in all. Entry j's block may belong to any stacked replicate
// (fastglmm_stack.cuh); per-entry inputs and outputs are indexed by j.
#include "fastglmm_problem.h"
#include "fastglmm_stack.cuh"
#include "fastglmm_family.cuh"
#include "fastglmm_dense.cuh"

#define FG_ACC_A (FG_MAX_M * (FG_MAX_M + 1) / 2)
#define FG_ACC_S (FG_MAX_P * (FG_MAX_P + 1) / 2)

__device__ __forceinline__ long long fg_warp_block(void) { return ((long long)blockIdx.x * blockDim.x + threadIdx.x) / FG_WARP; }
__device__ __forceinline__ int fg_lane(void) { return threadIdx.x % FG_WARP; }

/// For the count replicates r = replicates[c] (null: r = c), every row i: eta0 = offset + X beta_r and the
/// row entries of Z Lambda(theta_r) (one thread per replicate and row; rows of other replicates untouched).
extern "C" __global__ void fg_linear_predictor(fg_problem P, const int* replicates, int count)
{
    long long id = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (id >= (long long)count * P.n) return;
    int c = (int)(id / P.n);
    long long i = id - (long long)c * P.n;
    int r = replicates ? replicates[c] : c;
    const double* beta = P.beta + (long long)r * P.p;
    const double* factors = P.factors + (long long)r * P.factor_off[P.terms];
    long long ri = (long long)r * P.n + i;
    double e = P.offset[i];
    for (int j = 0; j < P.p; j++) e += P.x[(long long)j * P.n + i] * beta[j];
    P.eta0[ri] = e;
    long long o = i * P.k, ro = ri * P.k;
    for (int en = 0; en < P.k; en++) {
        int t = P.entry_term[en], col = P.entry_col[en], q = P.term_q[t], first = en - col, to = P.factor_off[t];
        double v = 0;
        for (int cc = col; cc < q; cc++) v += P.z[o + first + cc] * factors[to + col * q + cc];
        P.zl[ro + en] = v;
    }
}

/// The linear predictor of shared row i in the replicate whose rows are shifted by shift, at the block's modes u.
__device__ __forceinline__ double fg_eta(const fg_problem& P, long long i, long long shift, const double* u)
{
    long long o = i * P.k, ro = (shift + i) * P.k;
    double eta = P.eta0[shift + i];
    for (int e = 0; e < P.k; e++) eta += P.zl[ro + e] * u[P.slot[o + e]];
    return eta;
}

/// Adds row i's part of Lambda'Z'WZLambda (packed lower triangle acc, by slot) and of r (r[s] += zl_s * wr).
__device__ __forceinline__ void fg_add_row_system(const fg_problem& P, long long i, long long shift, double w, double wr, double* acc, double* r)
{
    long long o = i * P.k, ro = (shift + i) * P.k;
    for (int e = 0; e < P.k; e++) {
        double ze = P.zl[ro + e];
        int se = P.slot[o + e];
        r[se] += ze * wr;
        for (int g = 0; g < P.k; g++) {
            int sg = P.slot[o + g];
            if (sg <= se) acc[se * (se + 1) / 2 + sg] += w * ze * P.zl[ro + g];
        }
    }
}

/// Sums each of v[0 .. n) over the warp (the totals land in lane 0).
__device__ __forceinline__ void fg_warp_sum_all(double* v, int n)
{
    for (int j = 0; j < n; j++) v[j] = fg_warp_sum(v[j]);
}

/// Lane 0: |u_b|^2 for the block's m modes u.
__device__ __forceinline__ double fg_sumsq_at(const double* u, int m)
{
    double s = 0;
    for (int j = 0; j < m; j++) s += u[j] * u[j];
    return s;
}

/// Lane 0: stores the block's A = acc + I (both triangles, column-major) and r.
__device__ __forceinline__ void fg_store_system(const fg_problem& P, const fg_block& k, const double* acc, const double* r)
{
    double* a = P.a + k.ai;
    int m = k.m;
    for (int row = 0; row < m; row++)
        for (int col = 0; col <= row; col++) {
            double v = acc[row * (row + 1) / 2 + col] + (row == col ? 1.0 : 0.0);
            a[col * m + row] = v;
            a[row * m + col] = v;
        }
    for (int j = 0; j < m; j++) P.rhs[k.ui + j] = r[j];
}

/// Per flagged entry j: out[j] = sum_i d_i + |u_b|^2 at its block's u (or at the candidate), and with
/// assemble the block's system A = Lambda'Z'WZLambda + I (both triangles) and r = Lambda'Z'W z~.
extern "C" __global__ void fg_pass(fg_problem P, int candidate, int assemble, const unsigned char* flagged, double* out)
{
    long long j = fg_warp_block();
    if (j >= P.nlist || (flagged && !flagged[j])) return;
    int lane = fg_lane();
    fg_block k = fg_block_of(P, j);
    const double* u = (candidate ? P.cand : P.u) + k.ui;
    int m = k.m, na = m * (m + 1) / 2;
    double acc[FG_ACC_A], r[FG_MAX_M], dev = 0;
    for (int q = 0; q < na; q++) acc[q] = 0;
    for (int q = 0; q < m; q++) r[q] = 0;
    for (long long i = P.row_off[k.b] + lane; i < P.row_off[k.b + 1]; i += FG_WARP) {
        double eta0 = P.eta0[k.shift + i], eta = fg_eta(P, i, k.shift, u), y = P.y[k.shift + i], wt = P.wt[i];
        double mu = fg_linkinv(P.link, eta);
        dev += fg_devres(P.family, y, mu, wt);
        if (!assemble) continue;
        double w, wz;
        fg_weights(P.family, P.link, eta, eta0, y, mu, wt, &w, &wz);
        fg_add_row_system(P, i, k.shift, w, wz, acc, r);
    }
    dev = fg_warp_sum(dev);
    if (assemble) {
        fg_warp_sum_all(acc, na);
        fg_warp_sum_all(r, m);
    }
    if (lane != 0) return;
    out[j] = dev + fg_sumsq_at(u, m);
    if (assemble) fg_store_system(P, k, acc, r);
}

/// Per entry j: out[j] = -2 sum_i log p(y_i | mu_i) at its block's u with dispersion phi[r] of its replicate r.
extern "C" __global__ void fg_loglik(fg_problem P, const double* phi, double* out)
{
    long long j = fg_warp_block();
    if (j >= P.nlist) return;
    fg_block k = fg_block_of(P, j);
    const double* u = P.u + k.ui;
    double ll = 0, ph = phi[k.r];
    for (long long i = P.row_off[k.b] + fg_lane(); i < P.row_off[k.b + 1]; i += FG_WARP) {
        double mu = fg_linkinv(P.link, fg_eta(P, i, k.shift, u));
        ll += fg_logdens(P.family, P.y[k.shift + i], mu, P.wt[i], ph);
    }
    ll = fg_warp_sum(ll);
    if (fg_lane() == 0) out[j] = -2 * ll;
}

/// Adaptive Gauss-Hermite terms per entry j, with its block's A factored at u (= the mode): for the count
/// nodes z_k (m each) with log-weights lw_k, out[j] = log sum_k exp(lw_k - (devc(u + L'^-1 z_k) - pdev[j])/2
/// + |z_k|^2/2), devc(v) = sum_i d_i(v) + |v|^2.
extern "C" __global__ void fg_agq(fg_problem P, const double* nodes, const double* lw, int count, const double* pdev, double* out)
{
    long long j = fg_warp_block();
    if (j >= P.nlist) return;
    int lane = fg_lane();
    fg_block blk = fg_block_of(P, j);
    int m = blk.m;
    const double* l = P.a + blk.ai;
    const double* u = P.u + blk.ui;
    double v[FG_MAX_M];
    double best = -1.0 / 0.0, sum = 0;
    for (int k = 0; k < count; k++) {
        double zz = 0;
        for (int q = 0; q < m; q++) { v[q] = nodes[k * m + q]; zz += v[q] * v[q]; }
        fg_solve_upper_t(l, m, v);
        double vv = 0;
        for (int q = 0; q < m; q++) { v[q] += u[q]; vv += v[q] * v[q]; }
        double dev = 0;
        for (long long i = P.row_off[blk.b] + lane; i < P.row_off[blk.b + 1]; i += FG_WARP) {
            dev += fg_devres(P.family, P.y[blk.shift + i], fg_linkinv(P.link, fg_eta(P, i, blk.shift, v)), P.wt[i]);
        }
        dev = fg_warp_sum(dev);
        double term = lw[k] - 0.5 * (dev + vv - pdev[j]) + 0.5 * zz;
        if (term > best) { sum = sum * exp(best - term) + 1.0; best = term; }
        else sum += exp(term - best);
    }
    if (lane == 0) out[j] = best + log(sum);
}

/// Joint (u, beta) PIRLS pass per block at u (or the candidate): A_b, r_b = Lambda'Z'W z~, c_b = Lambda'Z'WX
/// and the block's parts of X'WX (packed lower, column by column) and X'W z~ in joint[b]; out[b] = sum d_i + |u_b|^2.
/// One problem only (reps = 1, list null): the joint state c and joint is not stacked.
extern "C" __global__ void fg_joint_pass(fg_problem P, int candidate, double* out)
{
    long long b = fg_warp_block();
    if (b >= P.nb) return;
    int lane = fg_lane();
    fg_block k = fg_block_of(P, b);
    const double* u = (candidate ? P.cand : P.u) + k.ui;
    int m = k.m, na = m * (m + 1) / 2, np = P.p, ns = np * (np + 1) / 2;
    double acc[FG_ACC_A], r[FG_MAX_M], c[FG_MAX_M * FG_MAX_P], s[FG_ACC_S], t[FG_MAX_P], dev = 0;
    for (int j = 0; j < na; j++) acc[j] = 0;
    for (int j = 0; j < m; j++) r[j] = 0;
    for (int j = 0; j < m * np; j++) c[j] = 0;
    for (int j = 0; j < ns; j++) s[j] = 0;
    for (int j = 0; j < np; j++) t[j] = 0;
    for (long long i = P.row_off[b] + lane; i < P.row_off[b + 1]; i += FG_WARP) {
        double eta = fg_eta(P, i, 0, u), y = P.y[i], wt = P.wt[i], mu = fg_linkinv(P.link, eta), w, zt;
        dev += fg_devres(P.family, y, mu, wt);
        fg_joint_weights(P.family, P.link, eta, P.offset[i], y, mu, wt, &w, &zt);
        fg_add_row_system(P, i, 0, w, w * zt, acc, r);
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
    out[b] = dev + fg_sumsq_at(u, m);
    fg_store_system(P, k, acc, r);
    double* cb = P.c + P.c_off[b];
    for (int j = 0; j < m * np; j++) cb[j] = c[j];
    double* jb = P.joint + b * (long long)(ns + np);
    for (int j = 0; j < ns; j++) jb[j] = s[j];
    for (int j = 0; j < np; j++) jb[ns + j] = t[j];
}
