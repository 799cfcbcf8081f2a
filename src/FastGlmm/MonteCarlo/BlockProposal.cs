using System.Runtime.CompilerServices;
using FastGlmm.Families;
using FastGlmm.Linalg;
using FastGlmm.Rng;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// The importance density of one block's random effects b ∈ ℝ^q (see <see cref="MixtureWeights"/>):
/// a mixture of t_ν(b̂, Σ̃), N(b̂, Σ̃) and N(b̂, Σ*) with ν = 5, where Σ̃⁻¹ = RR' (R lower, the Cholesky factor
/// of the conditional precision Z'WZ + Σ*⁻¹ at the mode) and Σ* = CC' (C lower, block diagonal with one copy
/// of T_t per level). Matrices are q × q column-major.
/// </summary>
public sealed class BlockProposal
{
    /// <summary>Degrees of freedom of the t component.</summary>
    public const int TDegrees = 5;

    private readonly double _logDetR, _logDetC, _logNormal, _logT;
    private readonly double _logPt, _logPn, _logPp;

    /// <summary>Wraps the factors (which it keeps).</summary>
    /// <param name="mean">b̂ (q).</param>
    /// <param name="precisionFactor">R, the lower Cholesky factor of the conditional precision (q × q).</param>
    /// <param name="priorFactor">C, the lower Cholesky factor of the prior covariance (q × q).</param>
    /// <param name="weights">Mixture weights.</param>
    public BlockProposal(double[] mean, double[] precisionFactor, double[] priorFactor, MixtureWeights weights)
    {
        int q = mean.Length;
        Dimension = q;
        Mean = mean;
        PrecisionFactor = precisionFactor;
        PriorFactor = priorFactor;
        Weights = weights;
        for (int i = 0; i < q; i++)
        {
            _logDetR += Math.Log(precisionFactor[i * q + i]);
            _logDetC += Math.Log(priorFactor[i * q + i]);
        }
        _logNormal = -0.5 * q * Math.Log(2 * Math.PI);
        _logT = SpecialFunctions.LogGamma(0.5 * (TDegrees + q)) - SpecialFunctions.LogGamma(0.5 * TDegrees)
            - 0.5 * q * Math.Log(TDegrees * Math.PI);
        _logPt = Math.Log(weights.T);
        _logPn = Math.Log(weights.Normal);
        _logPp = Math.Log(weights.Prior);
    }

    /// <summary>q.</summary>
    public int Dimension { get; }

    /// <summary>b̂.</summary>
    public double[] Mean { get; }

    /// <summary>R with RR' = Σ̃⁻¹.</summary>
    public double[] PrecisionFactor { get; }

    /// <summary>C with CC' = Σ*.</summary>
    public double[] PriorFactor { get; }

    /// <summary>The mixture weights.</summary>
    public MixtureWeights Weights { get; }

    /// <summary>Box–Muller pairs one draw consumes: ⌈(q + ν)/2⌉, for q normals and ν more for the t's χ².</summary>
    public int PairsPerDraw => (Dimension + TDegrees + 1) / 2;

    /// <summary>
    /// Draw <paramref name="index"/> from component <paramref name="component"/> (0 normal, 1 t, 2 prior) into
    /// <paramref name="b"/>, using the normals z_j, j &lt; q + ν: the cosine (j even) or sine (j odd) partner of
    /// stream.NormalPair(index·⌈(q + ν)/2⌉ + ⌊j/2⌋):
    /// normal b = b̂ + R'⁻¹z; t b = b̂ + R'⁻¹z·√(ν/χ²) with χ² = Σ_{j&lt;ν} z_{q+j}²; prior b = b̂ + Cz.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Draw(in PhiloxStream stream, long index, int component, Span<double> b)
    {
        int q = Dimension;
        ulong first = (ulong)index * (ulong)PairsPerDraw;
        for (int j = 0; j < q; j += 2)
        {
            var (c, s) = stream.NormalPair(first + (ulong)(j / 2));
            b[j] = c;
            if (j + 1 < q) b[j + 1] = s;
        }
        if (component == 2)
        {
            // b ← C z, from the last row up so that z is read before it is overwritten.
            for (int i = q - 1; i >= 0; i--)
            {
                double s = 0;
                for (int l = 0; l <= i; l++) s += PriorFactor[l * q + i] * b[l];
                b[i] = s;
            }
        }
        else
        {
            DenseCholesky.SolveUpperTransposed(PrecisionFactor, q, b);
            if (component == 1)
            {
                double chi2 = 0;
                for (int j = q; j < q + TDegrees; j++)
                {
                    var (c, s) = stream.NormalPair(first + (ulong)(j / 2));
                    double z = j % 2 == 0 ? c : s;
                    chi2 += z * z;
                }
                double scale = Math.Sqrt(TDegrees / chi2);
                for (int j = 0; j < q; j++) b[j] *= scale;
            }
        }
        for (int j = 0; j < q; j++) b[j] += Mean[j];
    }

    /// <summary>
    /// log f̃(b) = log Σ_c p_c f_c(b), with, for δ = b − b̂, Q̃ = ‖R'δ‖² and Q* = ‖C⁻¹δ‖²:
    /// log N(b̂, Σ̃) = −(q/2) log 2π + log|R| − Q̃/2;
    /// log t_ν = log Γ((ν+q)/2) − log Γ(ν/2) − (q/2) log(νπ) + log|R| − ((ν+q)/2) log(1 + Q̃/ν);
    /// log N(b̂, Σ*) = −(q/2) log 2π − log|C| − Q*/2. <paramref name="work"/> needs q entries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double LogDensity(ReadOnlySpan<double> b, Span<double> work)
    {
        int q = Dimension;
        double qt = 0;
        for (int j = 0; j < q; j++)
        {
            // (R'δ)_j = Σ_{i ≥ j} R_ij δ_i.
            double s = 0;
            for (int i = j; i < q; i++) s += PrecisionFactor[j * q + i] * (b[i] - Mean[i]);
            qt += s * s;
        }
        double ln = _logPn + _logNormal + _logDetR - 0.5 * qt;
        double lt = Weights.T > 0 ? _logPt + _logT + _logDetR - 0.5 * (TDegrees + q) * Math.Log(1 + qt / TDegrees) : double.NegativeInfinity;
        double lp = double.NegativeInfinity;
        if (Weights.Prior > 0)
        {
            for (int j = 0; j < q; j++) work[j] = b[j] - Mean[j];
            DenseCholesky.SolveLower(PriorFactor, q, work[..q]);
            double qp = 0;
            for (int j = 0; j < q; j++) qp += work[j] * work[j];
            lp = _logPp + _logNormal - _logDetC - 0.5 * qp;
        }
        double max = Math.Max(ln, Math.Max(lt, lp));
        return max + Math.Log(Math.Exp(ln - max) + Math.Exp(lt - max) + Math.Exp(lp - max));
    }
}
