using FastGlmm.Families;
using FastGlmm.Model;
using FastGlmm.Rng;

namespace FastGlmm.Inference;

/// <summary>
/// Draws new responses from a fitted model, as lme4's <c>simulate()</c>: η = offset + Xβ + ZΛ(θ)u with
/// u ~ N(0, I) drawn anew (N(0, σ²I) for linear mixed models) (or, with <c>conditional</c>, the fitted modes û), then y from the family at
/// μ = g⁻¹(η): gaussian μ + σε; binomial Binomial(w, μ)/w with w the trials; poisson Poisson(μ); Gamma with
/// shape 1/φ and scale μφ; nbinom2 a Poisson draw at a Gamma(k, μ/k) mean (its k̂ the scale; the Gamma from the
/// response stream with its top bit set); nbinom1 likewise at a Gamma(μ/φ, φ) mean; a zero-inflated model then sets
/// each row to 0 with probability π_i. Every draw is a Philox counter keyed by (seed, replicate) and the data row
/// (or the random-effect index), so a replicate is identical whatever the batch size, thread or backend.
/// </summary>
public static class ResponseSimulator
{
    /// <summary>The Philox stream of replicate r's random effects.</summary>
    public static PhiloxStream RandomEffectStream(ulong seed, long replicate) => new(seed, 2 * (ulong)replicate);

    /// <summary>The Philox stream of replicate r's responses (indexed by the 0-based data row).</summary>
    public static PhiloxStream ResponseStream(ulong seed, long replicate) => new(seed, 2 * (ulong)replicate + 1);

    /// <summary>
    /// Simulated responses (n, frame order) for one replicate at (θ, β); <paramref name="scale"/> is σ for
    /// gaussian and the dispersion φ for Gamma (ignored otherwise). With <paramref name="modes"/> (û, length
    /// Σ m_b) the random effects are held at those values instead of drawn.
    /// </summary>
    public static double[] Simulate(GlmmProblem problem, double[] theta, double[] beta, double scale,
        ulong seed, long replicate, double[]? modes = null, double[]? zeroProbability = null, double power = double.NaN)
    {
        CheckSupported(problem.Family);
        var fam = Family.For(problem.Family, problem.Family.IsNegativeBinomial || problem.Family.Family is FamilyId.Beta or FamilyId.Tweedie ? scale : null,
            problem.Family.Family == FamilyId.Tweedie ? power : null);
        int n = problem.N, p = problem.P, k = problem.K;
        var u = modes ?? new double[problem.TotalRandomEffects];
        if (modes is null)
        {
            // For an LMM the spherical effects have variance σ² (b = Λu, u ~ N(0, σ²I), as lme4); GLMMs have σ = 1.
            // lme4 does not scale a GLMM's random effects by sigma(), gaussian(log) and Gamma included.
            double sd = problem.Family.IsLinearMixedModel ? scale : 1.0;
            var re = RandomEffectStream(seed, replicate);
            for (int j = 0; j < u.Length; j++) u[j] = sd * re.Normal((ulong)j);
        }
        var factors = new double[problem.FactorOffsets[^1]];
        problem.FillFactors(theta, factors);
        var rs = ResponseStream(seed, replicate);
        var rows = problem.Frame.InputRow;
        var zl = new double[Math.Max(1, k)];
        var y = new double[n];
        for (int b = 0; b < problem.BlockCount; b++)
        {
            int lo = problem.UOffsets[b];
            for (int i = problem.RowOffsets[b]; i < problem.RowOffsets[b + 1]; i++)
            {
                double eta = problem.Offset[i];
                for (int j = 0; j < p; j++) eta += problem.X[(long)j * n + i] * beta[j];
                problem.ZLambdaRow(i, factors, zl);
                for (int e = 0; e < k; e++) eta += zl[e] * u[lo + problem.Slot[(long)i * k + e]];
                y[i] = Draw(problem.Family.Family, rs, CheckedMean(problem.Family, fam.LinkInverse(eta), rows[i]), problem.Weights[i], scale, (ulong)rows[i], seed, replicate, power);
            }
        }
        if (zeroProbability is not null) ZeroInflate(y, zeroProbability, rows, seed, replicate);
        return y;
    }

    /// <summary>
    /// Responses (n, frame order) drawn at given means μ (n, frame order) with replicate r's response stream: with μ
    /// the fitted conditional means μ̂ = g⁻¹(offset + Xβ̂ + Zb̂) this is lme4's <c>simulate(fm, re.form = NULL)</c>,
    /// new data given the fitted random effects.
    /// </summary>
    public static double[] SimulateAtMeans(GlmmProblem problem, ReadOnlySpan<double> mu, double scale, ulong seed, long replicate,
        double[]? zeroProbability = null, double power = double.NaN)
    {
        CheckSupported(problem.Family);
        if (mu.Length != problem.N) throw new ArgumentException($"mu has {mu.Length} entries, the problem {problem.N} rows");
        var rs = ResponseStream(seed, replicate);
        var rows = problem.Frame.InputRow;
        var y = new double[problem.N];
        for (int i = 0; i < y.Length; i++) y[i] = Draw(problem.Family.Family, rs, CheckedMean(problem.Family, mu[i], rows[i]), problem.Weights[i], scale, (ulong)rows[i], seed, replicate, power);
        if (zeroProbability is not null) ZeroInflate(y, zeroProbability, rows, seed, replicate);
        return y;
    }

    /// <summary>
    /// Zero inflation: row i becomes 0 when a uniform of the response stream with its second-highest bit set, at the data
    /// row, falls below π_i (frame order).
    /// </summary>
    private static void ZeroInflate(double[] y, double[] pi, ReadOnlySpan<int> rows, ulong seed, long replicate)
    {
        var zs = new PhiloxStream(seed, (2 * (ulong)replicate + 1) | (1UL << 62));
        for (int i = 0; i < y.Length; i++) if (zs.Uniform((ulong)rows[i]) < pi[i]) y[i] = 0;
    }

    private static double Truncated(FamilyId count, PhiloxStream rs, double mu, double wt, double scale, ulong index, ulong seed, long replicate)
    {
        for (ulong a = 0; a < 100_000; a++)
        {
            double y = Draw(count, rs, mu, wt, scale, index + (a << 40), seed, replicate);
            if (y > 0) return y;
        }
        return 1; // p(0) within 1e-5 of 1: the truncated distribution is all but a point mass at 1
    }

    private static double TweedieDraw(PhiloxStream rs, PhiloxStream gs, double mu, double phi, double p, ulong index)
    {
        if (!(p > 1 && p < 2)) throw new ArgumentOutOfRangeException(nameof(p), p, "a Tweedie draw needs its power 1 < p < 2");
        double lambda = Math.Pow(mu, 2 - p) / (phi * (2 - p));
        double n = rs.Poisson(lambda, index);
        return n == 0 ? 0 : gs.Gamma(n * (2 - p) / (p - 1), phi * (p - 1) * Math.Pow(mu, p - 1), index);
    }

    private static double BetaDraw(PhiloxStream a, PhiloxStream b, double mu, double phi, ulong index)
    {
        double g1 = a.Gamma(mu * phi, 1, index), g2 = b.Gamma((1 - mu) * phi, 1, index);
        return g1 / (g1 + g2);
    }

    /// <summary>
    /// An inverse Gaussian draw with mean μ and shape λ (Michael, Schucany &amp; Haas 1976): with ν ~ N(0, 1) from
    /// <paramref name="a"/> and U ~ U(0, 1) from <paramref name="b"/>, x = μ + μ²ν²/(2λ) − (μ/(2λ))√(4μλν² + μ²ν⁴), and
    /// the draw is x when U ≤ μ/(μ + x), else μ²/x.
    /// </summary>
    private static double InverseGaussianDraw(PhiloxStream a, PhiloxStream b, double mu, double lambda, ulong index)
    {
        double v = a.Normal(index), y = v * v;
        double x = mu + mu * mu * y / (2 * lambda) - mu / (2 * lambda) * Math.Sqrt(4 * mu * lambda * y + mu * mu * y * y);
        return b.Uniform(index) <= mu / (mu + x) ? x : mu * mu / x;
    }

    /// <summary>
    /// μ when the family can draw at it; otherwise a one-line error naming the data row. Under a link that does not keep
    /// μ in the family's range (an inverse or identity link for Gamma, inverse.gaussian or poisson) new random effects
    /// can push η outside it, where lme4's simulate gives NaN.
    /// </summary>
    private static double CheckedMean(FamilySpec family, double mu, int row)
    {
        bool ok = family.Untruncated switch
        {
            FamilyId.Gaussian => double.IsFinite(mu),
            FamilyId.Binomial or FamilyId.Beta => mu >= 0 && mu <= 1,
            FamilyId.Gamma or FamilyId.InverseGaussian => mu > 0 && double.IsFinite(mu),
            _ => mu >= 0 && double.IsFinite(mu),
        };
        if (ok) return mu;
        throw new UserInputException($"simulating data row {row + 1}: its mean μ = {mu:G6} is outside the {FamilySpec.Name(family.Family)} family's range " +
            $"under the {FamilySpec.Name(family.Link)} link (new random effects moved η past the link's range); simulate with the fitted random effects, or use the log link");
    }

    /// <summary>Refuses, in one line, the families that cannot be simulated yet (the truncated ones).</summary>
    /// <exception cref="UserInputException">A truncated (hurdle) family.</exception>
    public static void CheckSupported(FamilySpec family)
    {

    }

    /// <summary>
    /// The scale the responses are drawn with: σ̂ for gaussian, the dispersion φ̂ = Σ d_i / Σ w_i for Gamma
    /// (lme4's <c>sigma()²</c> there), 1 otherwise.
    /// </summary>
    public static double ScaleOf(FitResult fit, GlmmProblem problem) => problem.Family.Family switch
    {
        FamilyId.Gaussian => fit.Sigma ?? 1.0,
        // glmmTMB's Gamma (--laplace observed) has φ by maximum likelihood; lme4's Σd/Σw.
        FamilyId.Gamma => fit.LaplaceInformation == "observed" && fit.Dispersion is { } phi ? phi : fit.DevianceResidualSum / problem.Weights.Sum(),
        // The objective's φ̂ = Σd/Σw, drawn with shape w/φ̂ (lme4's simulate takes w/sigma(), which is not a dispersion).
        FamilyId.InverseGaussian => fit.DevianceResidualSum / problem.Weights.Sum(),
        FamilyId.NegativeBinomial2 or FamilyId.NegativeBinomial1 or FamilyId.Beta or FamilyId.Tweedie
            or FamilyId.TruncatedNegativeBinomial2 or FamilyId.TruncatedNegativeBinomial1 =>
            fit.Dispersion ?? throw new ArgumentException("this fit has its k or φ in Dispersion"),
        _ => 1.0,
    };

    /// <summary>One response at mean μ, prior weight (trials) w, for the data row keyed by <paramref name="index"/>.</summary>
    private static double Draw(FamilyId family, PhiloxStream rs, double mu, double wt, double scale, ulong index, ulong seed, long replicate,
        double power = double.NaN) => family switch
    {
        // Zero-truncated: the untruncated draw repeated (attempt a at index + a·2⁴⁰) until it is positive; a hurdle's
        // zeros are then set by ZeroInflate.
        FamilyId.TruncatedPoisson => Truncated(FamilyId.Poisson, rs, mu, wt, scale, index, seed, replicate),
        FamilyId.TruncatedNegativeBinomial2 => Truncated(FamilyId.NegativeBinomial2, rs, mu, wt, scale, index, seed, replicate),
        FamilyId.TruncatedNegativeBinomial1 => Truncated(FamilyId.NegativeBinomial1, rs, mu, wt, scale, index, seed, replicate),
        // Tweedie: N ~ Poisson(μ^{2−p}/(φ(2 − p))) Gamma terms of shape (2 − p)/(p − 1) and scale φ(p − 1)μ^{p−1}: their sum
        // is Gamma(N·shape, scale), drawn from the response stream with its top bit set.
        FamilyId.Tweedie => TweedieDraw(rs, new PhiloxStream(seed, (2 * (ulong)replicate + 1) | (1UL << 63)), mu, scale, power, index),
        FamilyId.Gaussian => mu + scale * rs.Normal(index),
        FamilyId.Binomial => wt > 0 ? rs.Binomial((long)Math.Round(wt), mu, index) / Math.Round(wt) : 0,
        FamilyId.Poisson => rs.Poisson(mu, index),
        FamilyId.Gamma => rs.Gamma(1 / scale, mu * scale, index),
        FamilyId.InverseGaussian => InverseGaussianDraw(rs, new PhiloxStream(seed, (2 * (ulong)replicate + 1) | (1UL << 63)), mu, wt / scale, index),
        FamilyId.NegativeBinomial2 => rs.Poisson(new PhiloxStream(seed, (2 * (ulong)replicate + 1) | (1UL << 63)).Gamma(scale, mu / scale, index), index),
        // beta: G₁/(G₁ + G₂) with G₁ ~ Gamma(μφ), G₂ ~ Gamma((1 − μ)φ), the second from the response stream with its top bit set.
        FamilyId.Beta => BetaDraw(rs, new PhiloxStream(seed, (2 * (ulong)replicate + 1) | (1UL << 63)), mu, scale, index),
        // nbinom1: size μ/φ, so the Gamma mean has shape μ/φ and scale φ.
        FamilyId.NegativeBinomial1 => mu > 0 ? rs.Poisson(new PhiloxStream(seed, (2 * (ulong)replicate + 1) | (1UL << 63)).Gamma(mu / scale, scale, index), index) : 0,
        _ => throw new InvalidOperationException("unknown family"),
    };
}
