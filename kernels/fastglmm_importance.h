// The parameter block of the Monte Carlo likelihood kernels (importance.cu): device pointers to one
// importance sample, its problem's rows (sorted by block) and the per-draw and per-chunk work arrays, then
// the sizes. The C# twin is FastGlmm.Backends.Cuda.Kernels.ImportanceParameters; a test checks that the
// field names, types and order agree. Pointers come first and the ints last (an even number of them).
#pragma once

#define FG_IS_MAX_D 32     // parameters d = p + #theta the importance kernels handle
#define FG_IS_MAX_P 16     // fixed effects p the importance kernels handle
#define FG_IS_CHUNK 1024   // draws one warp reduces

typedef struct fg_importance {
    const double* x;          // n x p, column-major
    const double* z;          // n x k: row i's entries of Z
    const int* slot;          // n x k: block-local index into the block's draw b of each entry
    const double* y;          // n (binomial: the proportion of successes)
    const double* wt;         // n prior weights (binomial: the trials)
    const double* offset;     // n
    const double* beta;       // p
    const double* precision;  // #theta: packed precision factors M
    double* fixed;            // n: offset + X beta
    const int* row_off;       // nb + 1: block b owns rows [row_off[b], row_off[b+1])
    const long long* draw_off; // nb + 1: block b's draws (m x q_b, row-major) start at draws[draw_off[b]]
    const double* draws;      // sum over blocks of m q_b
    const double* log_prop;   // nb x m: log of the importance density at each draw
    const double* stats;      // nb x m x #theta: each draw's packed sufficient statistics S_t
    const int* term_levels;   // nb x terms: levels of term t in block b
    const int* term_q;        // terms: q_t
    const int* term_off;      // terms: where term t's entries start in the packed theta
    double* lw;               // nb x m: log weights
    double* per_draw;         // nb x m x (d + p(p+1)/2): the gradient G of lw, then the packed beta Hessian of lw
    double* block_max;        // nb: a_b = max_k lw
    double* partial;          // chunks x (widest sum): per-chunk sums
    double* sums;             // nb x (2 + d + #theta + p(p+1)/2): Sum e, Sum e^2, Sum e G, Sum e S, Sum e H_beta
    double* moments;          // nb x d(d+1): Sum e D D', Sum e^2 D D' (lower triangles), D = G - g_b
    int n, p, k, nb;
    int m, nt, terms, family;
    int chunks, pad;          // chunks per block (ceil(m / FG_IS_CHUNK))
} fg_importance;
