// Monte Carlo likelihood kernels: the importance log weights of every draw of every block, and their
// reductions to per-block sums. The math is src/FastGlmm/MonteCarlo/ImportanceKernel.cs's:
//   lw_k = sum_i l_i(eta_ik) + log phi(b_k; 0, Sigma(M)) - (q_b/2) log 2pi - log f(b_k),
//   eta_ik = offset_i + x_i'beta + z_i'b_k,  l(eta) = wt (y eta - c(eta)) (canonical link, no constant),
// with G_k = grad lw_k and the beta Hessian of lw_k, sum_i l''_ik x_i x_i', kept per draw. The reductions
// are relative to a_b = max_k lw_k: e_k = exp(lw_k - a_b). Warp kernels (one warp per chunk of
// FG_IS_CHUNK draws of one block) leave their sums in lane 0; launch them with at least nb * chunks warps.
#include "fastglmm_importance.h"
#include "fastglmm_family.cuh"

#define FG_IS_MAX_HP (FG_IS_MAX_P * (FG_IS_MAX_P + 1) / 2)
#define FG_IS_MAX_SUMS (2 + 2 * FG_IS_MAX_D + FG_IS_MAX_HP)
#define FG_IS_MAX_TRI (FG_IS_MAX_D * (FG_IS_MAX_D + 1) / 2)
#define FG_IS_LOG_2PI 1.837877066409345483560659472811

__device__ __forceinline__ long long fg_is_thread(void) { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ long long fg_is_warp(void) { return fg_is_thread() / FG_WARP; }
__device__ __forceinline__ int fg_is_lane(void) { return threadIdx.x % FG_WARP; }
__device__ __forceinline__ int fg_is_hp(const fg_importance& P) { return P.p * (P.p + 1) / 2; }
__device__ __forceinline__ int fg_is_sum_width(const fg_importance& P) { return 2 + P.p + 2 * P.nt + fg_is_hp(P); }

/// Position of entry (i, j), i >= j, of a packed q x q lower-triangular matrix, column by column (as theta).
__device__ __forceinline__ int fg_is_index(int q, int i, int j) { return j * q - j * (j - 1) / 2 + (i - j); }

/// l(eta) = wt (y eta - c(eta)) for binomial(logit) or poisson(log); d1 = l'(eta), c2 = -l''(eta) >= 0.
__device__ __forceinline__ double fg_is_kernel(int family, double eta, double y, double wt, double* d1, double* c2)
{
    if (family == FG_FAMILY_BINOMIAL) {
        double e = exp(-fabs(eta)), inv = 1.0 / (1.0 + e), mu = eta >= 0 ? inv : e * inv;
        *d1 = wt * (y - mu);
        *c2 = wt * e * inv * inv;
        return wt * (y * eta - fmax(eta, 0.0) - log1p(e));
    }
    double lambda = exp(eta);
    *d1 = wt * (y - lambda);
    *c2 = wt * lambda;
    return wt * (y * eta - lambda);
}

/// sum_t [n_t sum_i log M_ii - tr(M_t S_t M_t')/2] for one draw's statistics s, its gradient in M into grad.
__device__ __forceinline__ double fg_is_log_prior(const fg_importance& P, int b, const double* s, double* grad)
{
    double value = 0;
    for (int t = 0; t < P.terms; t++) {
        int q = P.term_q[t], o = P.term_off[t], nl = P.term_levels[b * P.terms + t];
        if (nl == 0) {
            for (int j = 0; j < q * (q + 1) / 2; j++) grad[o + j] = 0;
            continue;
        }
        for (int j = 0; j < q; j++)
            for (int i = j; i < q; i++) {
                double ms = 0; // (M S)_ij
                for (int l = 0; l <= i; l++) ms += P.precision[o + fg_is_index(q, i, l)] * s[o + fg_is_index(q, l > j ? l : j, l < j ? l : j)];
                double mij = P.precision[o + fg_is_index(q, i, j)];
                value -= 0.5 * mij * ms;
                grad[o + fg_is_index(q, i, j)] = (i == j ? nl / mij : 0.0) - ms;
                if (i == j) value += nl * log(mij);
            }
    }
    return value;
}

/// fixed_i = offset_i + x_i'beta (one thread per row).
extern "C" __global__ void fg_is_fixed(fg_importance P)
{
    long long i = fg_is_thread();
    if (i >= P.n) return;
    double f = P.offset[i];
    for (int j = 0; j < P.p; j++) f += P.x[(long long)j * P.n + i] * P.beta[j];
    P.fixed[i] = f;
}

/// One thread per draw (b, k): lw_k into lw, and G_k then the packed beta Hessian of lw_k into per_draw.
extern "C" __global__ void fg_is_draw(fg_importance P)
{
    long long t = fg_is_thread();
    if (t >= (long long)P.nb * P.m) return;
    int b = (int)(t / P.m), hp = fg_is_hp(P), d = P.p + P.nt;
    long long kk = t % P.m;
    int q = (int)((P.draw_off[b + 1] - P.draw_off[b]) / P.m);
    const double* u = P.draws + P.draw_off[b] + kk * q;
    double g[FG_IS_MAX_P], h[FG_IS_MAX_HP];
    for (int j = 0; j < P.p; j++) g[j] = 0;
    for (int j = 0; j < hp; j++) h[j] = 0;
    double ll = 0;
    for (int i = P.row_off[b]; i < P.row_off[b + 1]; i++) {
        long long o = (long long)i * P.k;
        double eta = P.fixed[i];
        for (int e = 0; e < P.k; e++) eta += P.z[o + e] * u[P.slot[o + e]];
        double d1, c2;
        ll += fg_is_kernel(P.family, eta, P.y[i], P.wt[i], &d1, &c2);
        for (int r = 0; r < P.p; r++) {
            double xr = P.x[(long long)r * P.n + i], cx = c2 * xr;
            g[r] += d1 * xr;
            for (int c = 0; c <= r; c++) h[r * (r + 1) / 2 + c] -= cx * P.x[(long long)c * P.n + i];
        }
    }
    double* out = P.per_draw + t * (d + hp);
    double lp = fg_is_log_prior(P, b, P.stats + t * P.nt, out + P.p);
    double w = ll + lp - 0.5 * q * FG_IS_LOG_2PI - P.log_prop[t];
    P.lw[t] = w == w ? w : -1.0 / 0.0;
    for (int j = 0; j < P.p; j++) out[j] = g[j];
    for (int j = 0; j < hp; j++) out[d + j] = h[j];
}

/// Lane 0 ends with the warp's maximum of v.
__device__ __forceinline__ double fg_is_warp_max(double v)
{
    for (int off = FG_WARP / 2; off > 0; off >>= 1) v = fmax(v, __shfl_down_sync(0xffffffffu, v, off));
    return v;
}

/// One warp per chunk: partial[chunk] = the chunk's largest log weight.
extern "C" __global__ void fg_is_max(fg_importance P)
{
    long long wid = fg_is_warp();
    if (wid >= (long long)P.nb * P.chunks) return;
    long long b = wid / P.chunks, k0 = wid % P.chunks * FG_IS_CHUNK, k1 = k0 + FG_IS_CHUNK < P.m ? k0 + FG_IS_CHUNK : P.m;
    double a = -1.0 / 0.0;
    for (long long k = k0 + fg_is_lane(); k < k1; k += FG_WARP) a = fmax(a, P.lw[b * P.m + k]);
    a = fg_is_warp_max(a);
    if (fg_is_lane() == 0) P.partial[wid] = a;
}

/// One thread per block: block_max[b] = the largest of its chunks' maxima.
extern "C" __global__ void fg_is_block_max(fg_importance P)
{
    long long b = fg_is_thread();
    if (b >= P.nb) return;
    double a = -1.0 / 0.0;
    for (int c = 0; c < P.chunks; c++) a = fmax(a, P.partial[b * P.chunks + c]);
    P.block_max[b] = a;
}

/// One warp per chunk: the chunk's Sum e, Sum e^2, Sum e G (d), Sum e S (#theta) and Sum e H_beta (p(p+1)/2),
/// all zero when every weight of the block is 0.
extern "C" __global__ void fg_is_sums(fg_importance P)
{
    long long wid = fg_is_warp();
    if (wid >= (long long)P.nb * P.chunks) return;
    int d = P.p + P.nt, hp = fg_is_hp(P), width = fg_is_sum_width(P);
    long long b = wid / P.chunks, k0 = wid % P.chunks * FG_IS_CHUNK, k1 = k0 + FG_IS_CHUNK < P.m ? k0 + FG_IS_CHUNK : P.m;
    double acc[FG_IS_MAX_SUMS];
    for (int j = 0; j < width; j++) acc[j] = 0;
    double a = P.block_max[b];
    if (a > -1.0 / 0.0)
        for (long long k = k0 + fg_is_lane(); k < k1; k += FG_WARP) {
            long long t = b * P.m + k;
            double e = exp(P.lw[t] - a);
            if (e == 0) continue;
            const double* f = P.per_draw + t * (d + hp);
            const double* s = P.stats + t * P.nt;
            acc[0] += e;
            acc[1] += e * e;
            for (int j = 0; j < d; j++) acc[2 + j] += e * f[j];
            for (int j = 0; j < P.nt; j++) acc[2 + d + j] += e * s[j];
            for (int j = 0; j < hp; j++) acc[2 + d + P.nt + j] += e * f[d + j];
        }
    for (int j = 0; j < width; j++) {
        double v = fg_warp_sum(acc[j]);
        if (fg_is_lane() == 0) P.partial[wid * width + j] = v;
    }
}

/// One warp per chunk, after the block sums: the chunk's Sum e D D' and Sum e^2 D D' (packed lower triangles,
/// row by row), D = G_k - g_b with g_b = Sum e G / Sum e.
extern "C" __global__ void fg_is_moments(fg_importance P)
{
    long long wid = fg_is_warp();
    if (wid >= (long long)P.nb * P.chunks) return;
    int d = P.p + P.nt, hp = fg_is_hp(P), tri = d * (d + 1) / 2;
    long long b = wid / P.chunks, k0 = wid % P.chunks * FG_IS_CHUNK, k1 = k0 + FG_IS_CHUNK < P.m ? k0 + FG_IS_CHUNK : P.m;
    const double* s1 = P.sums + b * fg_is_sum_width(P);
    double acc[2 * FG_IS_MAX_TRI], g[FG_IS_MAX_D], dev[FG_IS_MAX_D];
    for (int j = 0; j < 2 * tri; j++) acc[j] = 0;
    double a = P.block_max[b];
    if (a > -1.0 / 0.0 && s1[0] > 0) {
        for (int j = 0; j < d; j++) g[j] = s1[2 + j] / s1[0];
        for (long long k = k0 + fg_is_lane(); k < k1; k += FG_WARP) {
            long long t = b * P.m + k;
            double e = exp(P.lw[t] - a);
            if (e == 0) continue;
            const double* f = P.per_draw + t * (d + hp);
            for (int j = 0; j < d; j++) dev[j] = f[j] - g[j];
            for (int r = 0; r < d; r++) {
                double er = e * dev[r], eer = e * er;
                for (int c = 0; c <= r; c++) {
                    acc[r * (r + 1) / 2 + c] += er * dev[c];
                    acc[tri + r * (r + 1) / 2 + c] += eer * dev[c];
                }
            }
        }
    }
    for (int j = 0; j < 2 * tri; j++) {
        double v = fg_warp_sum(acc[j]);
        if (fg_is_lane() == 0) P.partial[wid * 2 * tri + j] = v;
    }
}

/// One thread per block: out[b] = the sum of its chunks' partials (width values each), in chunk order.
extern "C" __global__ void fg_is_block_sum(fg_importance P, int width, double* out)
{
    long long b = fg_is_thread();
    if (b >= P.nb) return;
    for (int j = 0; j < width; j++) {
        double s = 0;
        for (int c = 0; c < P.chunks; c++) s += P.partial[(b * P.chunks + c) * width + j];
        out[b * width + j] = s;
    }
}
