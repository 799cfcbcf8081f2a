// Device versions of the scalar family functions in src/FastGlmm/Families (same clamps and stable forms).
// The C# code is the reference; the kernels' results agree with it to rounding (see the selfcheck command).
#pragma once
#include "fastglmm_codes.h"

#ifndef FG_WARP
#define FG_WARP 32 // lanes per warp (the CPU emulator of the tests builds with 1)
#endif

#define FG_EPS 2.220446049250313080847263336181640625e-16
#define FG_LOG_SQRT_2PI 0.918938533204672741780329736406

__device__ __forceinline__ double fg_prob_clamp(double p) { return p < FG_EPS ? FG_EPS : (p > 1.0 - FG_EPS ? 1.0 - FG_EPS : p); }
__device__ __forceinline__ double fg_at_least_eps(double x) { return x < FG_EPS ? FG_EPS : x; }

__device__ __forceinline__ double fg_normal_density(double x) { return 0.398942280401432677939946059934 * exp(-0.5 * x * x); }

/// mu = g^-1(eta)
__device__ __forceinline__ double fg_linkinv(int link, double eta)
{
    switch (link) {
    case FG_LINK_IDENTITY: return eta;
    case FG_LINK_LOG: return fmin(fg_at_least_eps(exp(eta)), 1.7976931348623157e308);
    case FG_LINK_LOGIT: return fg_prob_clamp(1.0 / (1.0 + exp(-eta)));
    case FG_LINK_PROBIT: return fg_prob_clamp(normcdf(eta));
    case FG_LINK_CLOGLOG: return fg_prob_clamp(-expm1(-exp(eta)));
    case FG_LINK_SQRT: return eta * eta;
    case FG_LINK_CAUCHIT: {
        if (fabs(eta) <= 1.0) return 0.5 + atan(eta) / 3.141592653589793;
        double y = atan(1.0 / eta) / 3.141592653589793;
        return eta > 0 ? 1.0 - y : -y;
    }
    case FG_LINK_INVERSESQUARE: return 1.0 / sqrt(eta);
    default: return 1.0 / eta; // FG_LINK_INVERSE
    }
}

/// dmu/deta
__device__ __forceinline__ double fg_mu_eta(int link, double eta)
{
    switch (link) {
    case FG_LINK_IDENTITY: return 1.0;
    case FG_LINK_LOG: return fmin(fg_at_least_eps(exp(eta)), 1.7976931348623157e308);
    case FG_LINK_LOGIT: { double e = exp(-fabs(eta)), f = 1.0 + e; return fg_at_least_eps(e / (f * f)); }
    case FG_LINK_PROBIT: return fg_at_least_eps(fg_normal_density(eta));
    case FG_LINK_CLOGLOG: return fg_at_least_eps(exp(eta - exp(eta)));
    case FG_LINK_SQRT: return 2.0 * eta;
    case FG_LINK_CAUCHIT: return 1.0 / (3.141592653589793 * (1.0 + eta * eta));
    case FG_LINK_INVERSESQUARE: return -0.5 / (eta * sqrt(eta));
    default: return -1.0 / (eta * eta);
    }
}

/// V(mu)
__device__ __forceinline__ double fg_variance(int family, double mu)
{
    switch (family) {
    case FG_FAMILY_BINOMIAL: return fg_at_least_eps(mu * (1.0 - mu));
    case FG_FAMILY_POISSON: return mu;
    case FG_FAMILY_GAMMA: return mu * mu;
    case FG_FAMILY_INVERSEGAUSSIAN: return mu * mu * mu;
    default: return 1.0;
    }
}

__device__ __forceinline__ double fg_ylogy_over_mu(double y, double mu) { return y != 0.0 ? y * log(y / mu) : 0.0; }

/// The unit deviance residual d(y, mu) times the prior weight (0 log 0 = 0).
__device__ __forceinline__ double fg_devres(int family, double y, double mu, double wt)
{
    switch (family) {
    case FG_FAMILY_BINOMIAL: return 2.0 * wt * (fg_ylogy_over_mu(y, mu) + fg_ylogy_over_mu(1.0 - y, 1.0 - mu));
    case FG_FAMILY_POISSON: return y > 0 ? 2.0 * (wt * (y * log(y / mu) - (y - mu))) : 2.0 * (mu * wt);
    case FG_FAMILY_GAMMA: return -2.0 * wt * (log(y == 0 ? 1.0 : y / mu) - (y - mu) / mu);
    case FG_FAMILY_INVERSEGAUSSIAN: { double r = y - mu; return wt * r * r / (y * mu * mu); }
    default: { double r = y - mu; return wt * (r * r); }
    }
}

/// log p(y | mu) times the weight, with dispersion phi (gaussian and Gamma).
__device__ __forceinline__ double fg_logdens(int family, double y, double mu, double wt, double phi)
{
    switch (family) {
    case FG_FAMILY_BINOMIAL: {
        double m = rint(wt);
        if (!(m > 0)) return 0.0;
        double x = rint(wt * y);
        double ld = lgamma(m + 1.0) - lgamma(x + 1.0) - lgamma(m - x + 1.0);
        if (x > 0) ld += x * log(mu);
        if (m - x > 0) ld += (m - x) * log1p(-mu);
        return wt / m * ld;
    }
    case FG_FAMILY_POISSON: {
        double x = rint(y);
        double ld = x > 0 ? x * log(mu) - mu - lgamma(x + 1.0) : -mu;
        return ld * wt;
    }
    case FG_FAMILY_GAMMA: {
        double shape = 1.0 / phi, scale = mu * phi;
        return wt * ((shape - 1.0) * log(y) - y / scale - lgamma(shape) - shape * log(scale));
    }
    case FG_FAMILY_INVERSEGAUSSIAN: {
        double r = y - mu;
        return -0.5 * wt * (log(6.283185307179586 * phi * y * y * y) + r * r / (phi * mu * mu * y));
    }
    default: {
        double sd = sqrt(phi / wt), r = (y - mu) / sd;
        return -(FG_LOG_SQRT_2PI + 0.5 * r * r + log(sd));
    }
    }
}

/// True where mu' = V(mu) exactly (binomial logit, poisson log, gaussian identity), which the weights below use. The
/// other canonical links have mu' = -V (Gamma, inverse) and -V/2 (inverse Gaussian, 1/mu^2) and take the general form.
__device__ __forceinline__ int fg_is_canonical(int family, int link)
{
    return (family == FG_FAMILY_BINOMIAL && link == FG_LINK_LOGIT) || (family == FG_FAMILY_POISSON && link == FG_LINK_LOG)
        || (family == FG_FAMILY_GAUSSIAN && link == FG_LINK_IDENTITY);
}

/// The IRLS weight W = wt mu'^2 / V(mu) and W z with z = (eta - eta0) + (y - mu)/mu'.
__device__ __forceinline__ void fg_weights(int family, int link, double eta, double eta0, double y, double mu, double wt,
                                           double* w, double* wz)
{
    if (fg_is_canonical(family, link)) {
        double v = fg_variance(family, mu);
        *w = wt * v;
        *wz = wt * (v * (eta - eta0) + (y - mu));
        return;
    }
    double dmu = fg_mu_eta(link, eta), s = dmu / sqrt(fg_variance(family, mu));
    double ww = wt * s * s;
    *w = ww;
    *wz = ww * (eta - eta0 + (y - mu) / dmu);
}

/// The joint-PIRLS weight and working response z - offset = eta - offset + (y - mu)/mu' (canonical: /V).
__device__ __forceinline__ void fg_joint_weights(int family, int link, double eta, double off, double y, double mu, double wt,
                                                 double* w, double* z)
{
    if (fg_is_canonical(family, link)) {
        double v = fg_variance(family, mu);
        *w = wt * v;
        *z = eta - off + (y - mu) / v;
        return;
    }
    double dmu = fg_mu_eta(link, eta), sd = dmu / sqrt(fg_variance(family, mu));
    *w = wt * sd * sd;
    *z = eta - off + (y - mu) / dmu;
}

__device__ __forceinline__ double fg_warp_sum(double v)
{
    for (int off = FG_WARP / 2; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
    return v;
}
