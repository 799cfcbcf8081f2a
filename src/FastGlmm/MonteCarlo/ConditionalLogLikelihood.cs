using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastGlmm.Families;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// One observation's conditional log-likelihood kernel ℓ(η) = wt (y η − c(η)) for a canonical-link family,
/// without its normalizing constant, with ℓ'(η) = wt (y − c'(η)) and ℓ''(η) = −wt c''(η). As a static-abstract
/// struct operator, generic Monte Carlo loops are specialized by the JIT.
/// </summary>
public interface IConditionalLogLikelihood
{
    /// <summary>ℓ(η) and its first two derivatives. Never NaN for finite η; may be −∞ when e^η overflows.</summary>
    /// <param name="eta">Linear predictor.</param>
    /// <param name="y">Response (binomial: the proportion of successes).</param>
    /// <param name="wt">Prior weight (binomial: the trials).</param>
    /// <param name="d1">ℓ'(η).</param>
    /// <param name="d2">ℓ''(η) ≤ 0.</param>
    static abstract double Evaluate(double eta, double y, double wt, out double d1, out double d2);

    /// <summary>
    /// Σ_i ℓ(η_i) over a span of observations, writing ℓ'(η_i) to <paramref name="d1"/> and −ℓ''(η_i) ≥ 0 to
    /// <paramref name="negD2"/>: the same values as <see cref="Evaluate"/>, four at a time with 256-bit vectors
    /// (exp and log accurate to about 2 ulp).
    /// </summary>
    static abstract double EvaluateMany(ReadOnlySpan<double> eta, ReadOnlySpan<double> y, ReadOnlySpan<double> wt,
        Span<double> d1, Span<double> negD2);
}

/// <summary>Binomial with the logit link: c(η) = log(1 + e^η) computed as max(η, 0) + log1p(e^−|η|).</summary>
public readonly struct BinomialLogitLikelihood : IConditionalLogLikelihood
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Evaluate(double eta, double y, double wt, out double d1, out double d2)
    {
        double e = Math.Exp(-Math.Abs(eta));
        double inv = 1 / (1 + e);
        double mu = eta >= 0 ? inv : e * inv;
        d1 = wt * (y - mu);
        d2 = -wt * e * inv * inv;
        return wt * (y * eta - Math.Max(eta, 0) - Math.Log(1 + e));
    }

    /// <inheritdoc/>
    public static double EvaluateMany(ReadOnlySpan<double> eta, ReadOnlySpan<double> y, ReadOnlySpan<double> wt,
        Span<double> d1, Span<double> negD2)
    {
        int n = eta.Length, i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256.Create(1.0);
            var acc = Vector256<double>.Zero;
            for (; i + 4 <= n; i += 4)
            {
                var x = Vector256.Create(eta.Slice(i, 4));
                var yy = Vector256.Create(y.Slice(i, 4));
                var ww = Vector256.Create(wt.Slice(i, 4));
                var e = Vector256.Exp(-Vector256.Abs(x));
                var inv = one / (one + e);
                var mu = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<double>.Zero), inv, e * inv);
                (ww * (yy - mu)).CopyTo(d1.Slice(i, 4));
                (ww * e * inv * inv).CopyTo(negD2.Slice(i, 4));
                acc += ww * (yy * x - Vector256.Max(x, Vector256<double>.Zero) - Vector256.Log(one + e));
            }
            sum = Vector256.Sum(acc);
        }
        return sum + ConditionalLogLikelihood.Scalar<BinomialLogitLikelihood>(i, eta, y, wt, d1, negD2);
    }
}

/// <summary>Poisson with the log link: c(η) = e^η.</summary>
public readonly struct PoissonLogLikelihood : IConditionalLogLikelihood
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Evaluate(double eta, double y, double wt, out double d1, out double d2)
    {
        double lambda = Math.Exp(eta);
        d1 = wt * (y - lambda);
        d2 = -wt * lambda;
        return wt * (y * eta - lambda);
    }

    /// <inheritdoc/>
    public static double EvaluateMany(ReadOnlySpan<double> eta, ReadOnlySpan<double> y, ReadOnlySpan<double> wt,
        Span<double> d1, Span<double> negD2)
    {
        int n = eta.Length, i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<double>.Zero;
            for (; i + 4 <= n; i += 4)
            {
                var x = Vector256.Create(eta.Slice(i, 4));
                var yy = Vector256.Create(y.Slice(i, 4));
                var ww = Vector256.Create(wt.Slice(i, 4));
                var lambda = Vector256.Exp(x);
                (ww * (yy - lambda)).CopyTo(d1.Slice(i, 4));
                (ww * lambda).CopyTo(negD2.Slice(i, 4));
                acc += ww * (yy * x - lambda);
            }
            sum = Vector256.Sum(acc);
        }
        return sum + ConditionalLogLikelihood.Scalar<PoissonLogLikelihood>(i, eta, y, wt, d1, negD2);
    }
}

/// <summary>Which families Monte Carlo likelihood supports, and their normalizing constants.</summary>
public static class ConditionalLogLikelihood
{
    /// <summary>The scalar form of <see cref="IConditionalLogLikelihood.EvaluateMany"/> from index <paramref name="from"/> on.</summary>
    internal static double Scalar<TLik>(int from, ReadOnlySpan<double> eta, ReadOnlySpan<double> y, ReadOnlySpan<double> wt,
        Span<double> d1, Span<double> negD2) where TLik : struct, IConditionalLogLikelihood
    {
        double sum = 0;
        for (int i = from; i < eta.Length; i++)
        {
            sum += TLik.Evaluate(eta[i], y[i], wt[i], out double a, out double b);
            d1[i] = a;
            negD2[i] = -b;
        }
        return sum;
    }

    /// <summary>
    /// Throws a <see cref="UserInputException"/> naming the family unless it is binomial(logit) or poisson(log):
    /// the importance weights use the canonical-link kernel ℓ(η) = wt (yη − c(η)), as the glmm package does.
    /// </summary>
    public static void CheckSupported(FamilySpec spec)
    {
        bool ok = (spec.Family == FamilyId.Binomial && spec.Link == LinkId.Logit)
            || (spec.Family == FamilyId.Poisson && spec.Link == LinkId.Log);
        if (!ok)
            throw new UserInputException($"--method mcml supports binomial(logit) and poisson(log) GLMMs, not {spec}" +
                (spec.IsLinearMixedModel ? " (a linear mixed model's likelihood is exact: fit it without --method mcml)" : ""));
    }

    /// <summary>
    /// Σ_i [log p(y_i | η_i) − ℓ_i(η_i)], the part of the fully normalized log-likelihood that does not depend
    /// on η (Σ log C(n_i, y_i n_i) for the binomial, −Σ wt_i log y_i! for the Poisson), evaluated at η = 0.
    /// </summary>
    public static double NormalizingConstant(FamilySpec spec, ReadOnlySpan<double> y, ReadOnlySpan<double> wt)
    {
        var family = Family.For(spec);
        double mu = family.LinkInverse(0), c = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double kernel = spec.Family == FamilyId.Binomial
                ? BinomialLogitLikelihood.Evaluate(0, y[i], wt[i], out _, out _)
                : PoissonLogLikelihood.Evaluate(0, y[i], wt[i], out _, out _);
            c += family.LogDensity(y[i], mu, wt[i]) - kernel;
        }
        return c;
    }
}
