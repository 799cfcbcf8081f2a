// The parameter block every FastGlmm kernel receives by value: device pointers to one problem's data
// (rows sorted by independent block) and per-block state, plus its sizes and family codes. The C# twin is
// FastGlmm.Backends.Cuda.Kernels.ProblemParameters; a test checks that the field names, types and order
// agree. Pointers come first and the ints last, so both sides lay it out without padding.
//
// Stacked replicates (lockstep refits): reps problems share X, Z, the slots, the weights, the offset and the
// block partition, and differ in y, beta and Lambda. Stacked block s = r * nb + b is block b of replicate r.
// Shared per row i: x, z, slot, wt, offset. Per replicate r: y and eta0 at r*n + i, zl at (r*n + i)*k,
// u, cand and rhs at r*u_off[nb] + u_off[b], a at r*a_off[nb] + a_off[b], beta at r*p, factors at
// r*factor_off[terms]. A launch works on the nlist blocks list[0 .. nlist) (list null: stacked blocks
// 0 .. nlist-1); its per-block inputs and outputs (flags, values, logdet, ok) are indexed by list entry j.
// One problem is reps = 1, list null, nlist = nb. fastglmm_stack.cuh resolves an entry to its offsets.
#pragma once

#define FG_MAX_M 8    // random effects per block the batched kernels handle
#define FG_MAX_P 16   // fixed effects the joint (u, beta) kernels handle

typedef struct fg_problem {
    const double* x;          // n x p, column-major
    double* zl;               // reps x n x k: row i's entries of Z*Lambda (recomputed by fg_linear_predictor)
    const double* z;          // n x k: row i's entries of Z
    const int* slot;          // n x k: block-local index into u of each entry
    const double* y;          // reps x n
    const double* wt;         // n prior weights
    const double* offset;     // n
    double* eta0;             // reps x n: offset + X beta
    const int* row_off;       // nb + 1: block b owns rows [row_off[b], row_off[b+1])
    const int* u_off;         // nb + 1: block b owns u[u_off[b] .. u_off[b+1])
    const long long* a_off;   // nb + 1: block b's m x m system at a[a_off[b]], column-major
    const long long* c_off;   // nb + 1: block b's m x p cross-product R_ZX at c[c_off[b]], column-major
    double* u;                // reps x sum m: modes
    double* cand;             // reps x sum m: candidate modes
    double* rhs;              // reps x sum m: right-hand sides
    double* a;                // reps x sum m^2: systems A_b = Lambda'Z'WZLambda + I, factored in place
    double* c;                // sum m p: Lambda'Z'WX, then L^-1 of it (joint kernels: one problem)
    double* logdet;           // nlist: log det A of list entry j's block from its last factorization
    double* joint;            // nb x (p(p+1)/2 + p): per-block parts of the reduced system S and t (one problem)
    const double* beta;       // reps x p
    const double* factors;    // reps x packed T_t (q_t x q_t, column-major) at factor_off[t]
    const int* factor_off;    // terms + 1
    const int* entry_term;    // k: the term of row entry e
    const int* entry_col;     // k: the column within its term of entry e
    const int* term_q;        // terms: q_t
    const int* list;          // nlist: the stacked blocks a launch works on (null: 0 .. nlist-1)
    int n, p, k, nb;          // shared sizes: rows, fixed effects, entries per row, blocks per replicate
    int family, link;         // fg_family, fg_link
    int terms, reps;          // random-effects terms; replicates stacked (1: one problem)
    int nlist, pad;           // blocks in the launch's list
} fg_problem;
