using FastGlmm.Backends;
using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// The joint (u, β) PIRLS of the nAGQ = 0 stage at its solution satisfies the score equations of
/// Σ d_i + ‖u‖² for a canonical link, checked independently of how the backend assembled them:
/// Σ_i x_ij wt_i (y_i − μ_i) = 0 for every fixed effect and u_g = θ Σ_{i∈g} wt_i (y_i − μ_i) for every level of
/// <c>(1 | g)</c> (one level per block, the blocks the single-level path assembles), for p = 1 … 5 columns.
/// </summary>
public class JointPirlsScoreTests
{
    [Theory]
    [InlineData(1, "binomial")]
    [InlineData(2, "binomial")]
    [InlineData(3, "binomial")]
    [InlineData(4, "binomial")]
    [InlineData(5, "binomial")]
    [InlineData(2, "poisson")]
    [InlineData(4, "poisson")]
    public void Solution_SatisfiesScoreEquations(int p, string family)
    {
        const int groups = 37, per = 23, n = groups * per;
        var rng = new Random(20261207 + p);
        var g = new string?[n];
        var y = new double[n];
        var xs = new double[p - 1][];
        for (int j = 0; j < p - 1; j++) xs[j] = new double[n];
        for (int a = 0; a < groups; a++)
        {
            double b = 0.7 * (rng.NextDouble() * 2 - 1);
            for (int r = 0; r < per; r++)
            {
                int i = a * per + r;
                g[i] = $"g{a}";
                double eta = -0.3 + b;
                for (int j = 0; j < p - 1; j++)
                {
                    xs[j][i] = rng.NextDouble() * 2 - 1 + 0.2 * j;
                    eta += (0.5 - 0.3 * j) * xs[j][i];
                }
                y[i] = family == "binomial" ? (rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0) : Poisson(rng, Math.Exp(eta));
            }
        }
        var cols = new List<Column> { new NumericColumn("y", y), FactorColumn.FromLabels("g", g) };
        for (int j = 0; j < p - 1; j++) cols.Add(new NumericColumn($"x{j}", xs[j]));
        string rhs = p == 1 ? "1" : string.Join(" + ", Enumerable.Range(0, p - 1).Select(j => $"x{j}"));
        var frame = ModelFrame.Build(new DataTable(cols), $"y ~ {rhs} + (1 | g)",
            new ModelFrameOptions { Family = FamilySpec.Parse(family) });
        var backend = GlmmBackends.Cpu(new GlmmProblem(frame));
        const double theta = 0.8;
        var beta = JointPirls.Run(backend, [theta], GlmIrls.Fit(frame));
        var u = new double[backend.Problem.TotalRandomEffects];
        backend.ReadModes(u);
        Assert.Equal(groups, u.Length);

        // The problem's rows are in block order: block b holds rows RowOffsets[b] … RowOffsets[b + 1] − 1.
        var pr = backend.Problem;
        var score = new double[p];
        var levelScore = new double[u.Length];
        double scale = 0;
        for (int b = 0; b < pr.BlockCount; b++)
            for (int i = pr.RowOffsets[b]; i < pr.RowOffsets[b + 1]; i++)
            {
                int level = pr.UOffsets[b] + pr.Slot[i];
                double eta = pr.Offset[i] + theta * u[level];
                for (int j = 0; j < p; j++) eta += pr.X[(long)j * n + i] * beta[j];
                double mu = family == "binomial" ? 1 / (1 + Math.Exp(-eta)) : Math.Exp(eta);
                for (int j = 0; j < p; j++) score[j] += pr.X[(long)j * n + i] * (pr.Y[i] - mu);
                levelScore[level] += pr.Y[i] - mu;
                scale += Math.Abs(pr.Y[i] - mu);
            }
        for (int j = 0; j < p; j++) Assert.True(Math.Abs(score[j]) < 1e-7 * scale, $"β score {j}: {score[j]}");
        for (int a = 0; a < u.Length; a++) Assert.Equal(theta * levelScore[a], u[a], 1e-7);
    }

    private static double Poisson(Random rng, double lambda)
    {
        double l = Math.Exp(-lambda), k = 0, prod = rng.NextDouble();
        while (prod > l) { k++; prod *= rng.NextDouble(); }
        return k;
    }
}
