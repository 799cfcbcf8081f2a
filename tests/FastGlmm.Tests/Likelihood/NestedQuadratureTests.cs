using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Likelihood;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// Nested adaptive quadrature for (1 | a/b) and (1 | a/b/c): one node per level is the Laplace value, many nodes agree
/// with brute-force integration written independently of the engine, and a fit of Rodríguez &amp; Goldman's (2001)
/// immunization model reproduces their published quadrature estimates.
/// </summary>
public class NestedQuadratureTests
{
    /// <summary>
    /// Seeded nested data: <paramref name="top"/> levels of a, each with 2–4 levels of b (labels reused across a), each
    /// with 2–3 levels of c when <paramref name="threeLevels"/>, and 1–3 rows per finest level; x ~ U(−1, 1).
    /// </summary>
    private static DataTable Nested(int seed, int top, bool threeLevels, bool poisson)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var y = new List<double>();
        var x = new List<double>();
        var a = new List<string?>();
        var b = new List<string?>();
        var c = new List<string?>();
        for (int i = 0; i < top; i++)
        {
            double ua = 0.9 * Normal();
            int nb = rng.Next(2, 5);
            for (int j = 0; j < nb; j++)
            {
                double ub = 0.7 * Normal();
                int nc = threeLevels ? rng.Next(2, 4) : 1;
                for (int k = 0; k < nc; k++)
                {
                    double uc = threeLevels ? 0.5 * Normal() : 0;
                    int rows = rng.Next(1, 4);
                    for (int r = 0; r < rows; r++)
                    {
                        double xi = 2 * rng.NextDouble() - 1, eta = -0.2 + 0.6 * xi + ua + ub + uc;
                        double yi;
                        if (poisson)
                        {
                            // Knuth's method; η stays small here.
                            double l = Math.Exp(-Math.Exp(eta)), pr = rng.NextDouble();
                            yi = 0;
                            while (pr > l) { pr *= rng.NextDouble(); yi++; }
                        }
                        else yi = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
                        y.Add(yi);
                        x.Add(xi);
                        a.Add($"a{i}");
                        b.Add($"b{j}");
                        c.Add($"c{k}");
                    }
                }
            }
        }
        var cols = new List<Column> { new NumericColumn("y", [.. y]), new NumericColumn("x", [.. x]), FactorColumn.FromLabels("a", a), FactorColumn.FromLabels("b", b) };
        if (threeLevels) cols.Add(FactorColumn.FromLabels("c", c));
        return new DataTable(cols);
    }

    private static ModelFrame Frame(DataTable data, string formula, string family) =>
        ModelFrame.Build(data, formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });

    /// <summary>θ in the frame's term order from SDs given by grouping factor name.</summary>
    private static double[] Theta(ModelFrame frame, Dictionary<string, double> sd) => [.. frame.RandomTerms.Select(t => sd[t.Group])];

    public static TheoryData<bool, bool> Designs() => new() { { false, false }, { true, true }, { true, false } };

    [Theory]
    [MemberData(nameof(Designs))]
    public void OneNode_EqualsLaplace(bool threeLevels, bool poisson)
    {
        var frame = Frame(Nested(11, 12, threeLevels, poisson), threeLevels ? "y ~ x + (1 | a/b/c)" : "y ~ x + (1 | a/b)", poisson ? "poisson" : "binomial");
        var theta = Theta(frame, new() { ["a"] = 1.3, ["b:a"] = 0.9, ["c:b:a"] = 0.6 });
        double[] beta = [-0.1, 0.5];
        double laplace = new LaplaceDeviance(frame).Evaluate(theta, beta);
        Assert.Equal(laplace, new AgqDeviance(frame, 1).Evaluate(theta, beta), 1e-9 * Math.Abs(laplace));
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void ManyNodes_EqualBruteForceIntegration(bool threeLevels, bool poisson)
    {
        var frame = Frame(Nested(5, 6, threeLevels, poisson), threeLevels ? "y ~ x + (1 | a/b/c)" : "y ~ x + (1 | a/b)", poisson ? "poisson" : "binomial");
        var theta = Theta(frame, new() { ["a"] = 1.6, ["b:a"] = 1.1, ["c:b:a"] = 0.8 });
        double[] beta = [-0.3, 0.7];
        double brute = BruteForce(frame, theta, beta, threeLevels ? 81 : 161);
        double agq = new AgqDeviance(frame, 20).Evaluate(theta, beta);
        Assert.Equal(brute, agq, 1e-9 * Math.Abs(brute));
        // And the quadrature differs from Laplace by far more than that (the test can tell them apart).
        Assert.True(Math.Abs(new LaplaceDeviance(frame).Evaluate(theta, beta) - brute) > 1e-3);
    }

    /// <summary>
    /// −2 Σ_roots log ∫ φ(z₀) Π_children ∫ φ(z₁) … Π_rows p(y_i | η_i) dz by the trapezoid rule on <paramref name="points"/>
    /// points over z ∈ [−8, 8] at every level, with η_i = x_i'β + Σ_d θ_d z_d: written from the model's definition
    /// alone (the terms' levels, Z and the family's full log density), not from the engine's code.
    /// </summary>
    private static double BruteForce(ModelFrame frame, double[] theta, double[] beta, int points)
    {
        var fam = Family.For(frame.Family);
        var order = Enumerable.Range(0, frame.RandomTerms.Count).OrderBy(t => frame.RandomTerms[t].LevelCount).ToArray();
        var terms = order.Select(t => frame.RandomTerms[t]).ToArray();
        var th = order.Select(t => theta[t]).ToArray();
        int n = frame.RowCount;
        var fixedEta = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < beta.Length; j++) fixedEta[i] += frame.X.Column(j)[i] * beta[j];
        double h = 16.0 / (points - 1);
        var z = Enumerable.Range(0, points).Select(k => -8 + k * h).ToArray();
        var w = z.Select((v, k) => h * Math.Exp(-v * v / 2) / Math.Sqrt(2 * Math.PI) * (k == 0 || k == points - 1 ? 0.5 : 1)).ToArray();

        // The integral over the level of terms[d] shared by `rows`, whose η (aligned with rows) holds the coarser levels' part.
        double Integrate(int d, int[] rows, double[] eta)
        {
            var children = d == terms.Length - 1 ? [] : rows.Select((i, j) => (i, j)).GroupBy(x => terms[d + 1].LevelOfRow[x.i])
                .Select(g => (Rows: g.Select(x => x.i).ToArray(), At: g.Select(x => x.j).ToArray())).ToArray();
            var e = new double[rows.Length];
            double total = 0;
            for (int k = 0; k < points; k++)
            {
                for (int j = 0; j < rows.Length; j++) e[j] = eta[j] + th[d] * terms[d].Z[rows[j]] * z[k];
                double value = 1;
                if (d == terms.Length - 1)
                {
                    double ll = 0;
                    for (int j = 0; j < rows.Length; j++)
                        ll += fam.LogDensity(frame.Response.Y[rows[j]], fam.LinkInverse(e[j]), frame.Response.Weights[rows[j]]);
                    value = Math.Exp(ll);
                }
                else
                    foreach (var (childRows, at) in children)
                        value *= Integrate(d + 1, childRows, [.. at.Select(j => e[j])]);
                total += w[k] * value;
            }
            return total;
        }

        double dev = 0;
        foreach (var root in Enumerable.Range(0, n).GroupBy(i => terms[0].LevelOfRow[i]))
            dev += -2 * Math.Log(Integrate(0, [.. root], [.. root.Select(i => fixedEta[i])]));
        return dev;
    }

    [Fact]
    public void Fit_ReproducesRodriguezGoldmanQuadratureEstimates()
    {
        // Rodríguez & Goldman (2001), Guatemalan immunization: children within mothers within communities. Their 12-point
        // Gauss–Hermite fit (lr3, http://data.princeton.edu/pop510/maxlik.html): logL −1323.9618, log σ_mother 0.839785,
        // log σ_community 0.024317, and the β below. Theirs is non-adaptive quadrature, ours adaptive, so the two agree to
        // the quadrature error of theirs (0.009 in logL), not to the optimizer's.
        var frame = ModelFrame.Build(TestData.Dataset("guimmun.csv", "extra"), "immun ~ kid2p + mom25p + ord + ethn + momEd + husEd + momWork + rural + pcInd81 + (1 | comm/mom)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var fit = MixedModel.Fit(frame, new FitOptions { Nagq = 12, HessianStandardErrors = false });
        var sd = frame.RandomTerms.Select((t, i) => (t.Group, fit.Theta[i])).ToDictionary(x => x.Group, x => x.Item2);
        Assert.Equal(Math.Exp(0.839785), sd["mom:comm"], 0.01);
        Assert.Equal(Math.Exp(0.024317), sd["comm"], 0.01);
        double[] published = [-1.233400, 1.716657, -0.215995, -0.260719, 0.179374, 0.431083, -0.172474, -0.083649, 0.433026, 0.420005,
            0.539349, 0.505110, -0.007241, 0.390044, -0.888257, -1.149777];
        for (int j = 0; j < published.Length; j++) Assert.Equal(published[j], fit.Beta[j], 0.005);
        Assert.Equal(-1323.9618, fit.LogLik, 0.02);
        // Laplace on the same model is far off (lme4's glmer gives σ 1.15 and 0.73, logLik −1355.7).
        var laplace = MixedModel.Fit(frame, new FitOptions { HessianStandardErrors = false });
        Assert.True(laplace.LogLik < -1350);
    }

    [Fact]
    public void DesignsAgqCannotTake_AreRefusedNamingTheTerm()
    {
        var data = Nested(3, 5, threeLevels: true, poisson: false);
        var vector = Frame(data, "y ~ x + (1 + x | a) + (1 | a:b)", "binomial");
        Assert.Contains("2 columns", Assert.Throws<UserInputException>(() => new AgqDeviance(vector, 5)).Message);
        var crossed = Frame(data, "y ~ x + (1 | a) + (1 | b)", "binomial");
        Assert.Contains("crossed", Assert.Throws<UserInputException>(() => new AgqDeviance(crossed, 5)).Message);
    }
}
