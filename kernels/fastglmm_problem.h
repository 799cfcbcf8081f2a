// The parameter block every FastGlmm kernel receives by value: device pointers to one problem's data
// (rows sorted by independent block) and per-block state, plus its sizes and family codes. The C# twin is
// FastGlmm.Backends.Cuda.Kernels.ProblemParameters; a test checks that the field names, types and order
// agree. Pointers come first and the ints last, so both sides lay it out without padding.
#pragma once

#define FG_MAX_M 8    // random effects per block the batched kernels handle
#define FG_MAX_P 16   // fixed effects the joint (u, beta) kernels handle

typedef struct fg_problem {
    const double* x;          // n x p, column-major
    double* zl;               // n x k: row i's entries of Z*Lambda (recomputed by fg_linear_predictor)
    const double* z;          // n x k: row i's entries of Z
    const int* slot;          // n x k: block-local index into u of each entry
    const double* y;          // n
    const double* wt;         // n prior weights
    const double* offset;     // n
    double* eta0;             // n: offset + X beta
    const int* row_off;       // nb + 1: block b owns rows [row_off[b], row_off[b+1])
    const int* u_off;         // nb + 1: block b owns u[u_off[b] .. u_off[b+1])
    const long long* a_off;   // nb + 1: block b's m x m system at a[a_off[b]], column-major
    const long long* c_off;   // nb + 1: block b's m x p cross-product R_ZX at c[c_off[b]], column-major
    double* u;                // sum m: modes
    double* cand;             // sum m: candidate modes
    double* rhs;              // sum m: right-hand sides
    double* a;                // sum m^2: systems A_b = Lambda'Z'WZLambda + I, factored in place
    double* c;                // sum m p: Lambda'Z'WX, then L^-1 of it
    double* logdet;           // nb: log det A_b from the last factorization
    double* joint;            // nb x (p(p+1)/2 + p): per-block parts of the reduced system S and t
    const double* beta;       // p
    const double* factors;    // packed T_t (q_t x q_t, column-major) at factor_off[t]
    const int* factor_off;    // terms + 1
    const int* entry_term;    // k: the term of row entry e
    const int* entry_col;     // k: the column within its term of entry e
    const int* term_q;        // terms: q_t
    int n, p, k, nb;
    int family, link;         // fg_family, fg_link
    int terms, pad;
} fg_problem;
