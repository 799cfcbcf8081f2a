using FastGlmm.Families;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// Per block the constant c_b with −2 Σ_{i∈b} log p(y_i | μ_i) = Σ_{i∈b} d_i(μ_i) + c_b for every μ
/// (dispersion 1): c_b = Σ_i [−2 log p(y_i | μ*) − d_i(μ*)] at any interior μ* (the family's starting μ).
/// Computed once per problem on the host, for every backend.
/// </summary>
public static class SaturatedConstants
{
    /// <summary>c_b for every block of <paramref name="problem"/> (length: blocks).</summary>
    public static double[] Compute(GlmmProblem problem) => Compute(problem, problem.Y);

    /// <summary>
    /// c_b for every block of <paramref name="problem"/> with the response <paramref name="y"/> (n, the problem's row
    /// order) in place of its own: the constants of one replicate of a lockstep refit.
    /// </summary>
    public static double[] Compute(GlmmProblem problem, double[] y)
    {
        if (y.Length != problem.N) throw new ArgumentException($"expected {problem.N} responses, got {y.Length}", nameof(y));
        return FamilyDispatch.Run(problem.Family, new Op(problem, y));
    }

    private sealed class Op(GlmmProblem p, double[] response) : IFamilyOperation<double[]>
    {
        public double[] Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution
        {
            var c = new double[p.BlockCount];
            void Block(int b)
            {
                double s = 0;
                for (int i = p.RowOffsets[b]; i < p.RowOffsets[b + 1]; i++)
                {
                    double y = response[i], wt = p.Weights[i], mu = TDist.InitialMu(y, wt);
                    s += -2 * TDist.LogDensity(y, mu, wt) - TDist.DevianceResidual(y, mu, wt);
                }
                c[b] = s;
            }
            if (p.N < 20_000) for (int b = 0; b < c.Length; b++) Block(b);
            else Parallel.For(0, c.Length, Block);
            return c;
        }
    }
}
