// Where a launch-list entry's block lives in the stacked arrays (see fastglmm_problem.h): entry j names
// stacked block s = list[j] (or j), that is block b of replicate r. The block's rows are the shared rows
// [row_off[b], row_off[b+1]); its per-replicate row arrays (y, eta0, zl) are shifted by r*n rows, its modes
// start at u + ui and its system at a + ai.
#pragma once
#include "fastglmm_problem.h"

typedef struct fg_block {
    int r, b;          // replicate, block within the replicate
    int m;             // random effects of the block
    long long shift;   // r * n: the replicate's first row in y, eta0 and zl
    long long ui;      // r * u_off[nb] + u_off[b]: the block's first mode in u, cand and rhs
    long long ai;      // r * a_off[nb] + a_off[b]: the block's system in a
} fg_block;

__device__ __forceinline__ fg_block fg_block_of(const fg_problem& P, long long j)
{
    long long s = P.list ? (long long)P.list[j] : j;
    fg_block k;
    k.r = (int)(s / P.nb);
    k.b = (int)(s - (long long)k.r * P.nb);
    int lo = P.u_off[k.b];
    k.m = P.u_off[k.b + 1] - lo;
    k.shift = (long long)k.r * P.n;
    k.ui = (long long)k.r * P.u_off[P.nb] + lo;
    k.ai = (long long)k.r * P.a_off[P.nb] + P.a_off[k.b];
    return k;
}
