using System.Globalization;
using System.Text;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// Degenerate and numerically hostile inputs: fitted as lme4 fits them (zero weights, the response on the right-hand
/// side; against lme4 1.1-31, tests/data/degenerate_reference.json) or refused with a one-line error (exit 1) that
/// names the response and the cause: never a stack trace, an internal error, or NaN/Inf with exit 0.
/// </summary>
public class DegenerateInputTests
{
    private static readonly System.Text.Json.JsonElement Ref = TestData.Json("degenerate_reference.json");

    private static string Csv(string name, Func<int, string> row, string header = "y,x,g", int n = 200)
    {
        var sb = new StringBuilder(header).Append('\n');
        for (int i = 0; i < n; i++) sb.Append(row(i)).Append('\n');
        return CliRunner.WriteCsv(name, sb.ToString());
    }

    /// <summary>A fixed, irregular covariate (no RNG): x_i = sin(1.7 i + 0.3).</summary>
    private static string X(int i) => Math.Sin(1.7 * i + 0.3).ToString("R", CultureInfo.InvariantCulture);

    private static void AssertError(string expected, params string[] args)
    {
        var (code, o, err) = CliRunner.Run(args);
        Assert.True(code == 1, $"exit {code}: {err}");
        Assert.DoesNotContain("internal error", err, StringComparison.Ordinal);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", o, StringComparison.Ordinal);
    }

    private static void AssertClose(double expected, double actual, double tol) =>
        Assert.True(Math.Abs(expected - actual) <= tol * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [Fact]
    public void Separation_IsOneLineError_NamingTheCause()
    {
        string csv = Csv("sep.csv", i => $"{(Math.Sin(1.7 * i + 0.3) > 0 ? 1 : 0)},{X(i)},g{i % 10}");
        AssertError("fitted probabilities numerically 0 or 1 occurred", "fit", "--data", csv, "--formula", "y ~ x + (1 | g)", "--family", "binomial");
        AssertError("separation", "bootstrap", "--data", csv, "--formula", "y ~ x + (1 | g)", "--family", "binomial", "-B", "5", "--seed", "1");
    }

    [Fact]
    public void ConstantResponses_AreRefused_AsLme4Does()
    {
        Assert.Equal("Response is constant", Ref.GetProperty("constant_glmer_error").GetString());
        string zeros = Csv("zeros.csv", i => $"0,{X(i)},g{i % 10}");
        AssertError("the response y is constant (the proportion of successes is 0 in all 200 rows)",
            "fit", "--data", zeros, "--formula", "y ~ x + (1 | g)", "--family", "binomial");
        string fives = Csv("fives.csv", i => $"5,{X(i)},g{i % 10}");
        AssertError("the response y is constant (5 in all 200 rows)", "fit", "--data", fives, "--formula", "y ~ x + (1 | g)");
        AssertError("the response y is constant", "fit", "--data", fives, "--formula", "y ~ x + (1 | g)", "--family", "poisson");
    }

    [Fact]
    public void Magnitudes_BeyondDoublePrecision_AreRefused()
    {
        string huge = Csv("huge.csv", i => $"{(2 + Math.Sin(i)) * 1e200},{X(i)},g{i % 10}");
        AssertError("the response y reaches 3E+200", "fit", "--data", huge, "--formula", "y ~ x + (1 | g)");
        AssertError("overflow", "fit", "--data", huge, "--formula", "y ~ x + (1 | g)", "--family", "poisson");
        string tiny = Csv("tiny.csv", i => $"{(2 + Math.Sin(i)) * 1e-200},{X(i)},g{i % 10}");
        AssertError("the response y varies only by", "fit", "--data", tiny, "--formula", "y ~ x + (1 | g)");
        string totals = Csv("totals.csv", i => $"{1e16 + 2 * i},{3e16},{X(i)},g{i % 10}", "s,n,x,g");
        AssertError("counts above 2^53", "fit", "--data", totals, "--formula", "cbind(s, n - s) ~ x + (1 | g)", "--family", "binomial");
        string large = Csv("large.csv", i => $"{(long)(4e14 + 1e14 * Math.Sin(i))},{1_000_000_000_000_000},{X(i)},g{i % 10}", "s,n,x,g");
        var (code, o, err) = CliRunner.Run("fit", "--data", large, "--formula", "cbind(s, n - s) ~ x + (1 | g)", "--family", "binomial");
        Assert.True(code == 0 || code == 1, err);
        if (code == 1) Assert.Contains("the binomial totals reach 1E+15", err, StringComparison.Ordinal);
        else Assert.DoesNotContain("NaN", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_AllZero_OrNegativeTotals_AreRefused()
    {
        string zero = Csv("zerow.csv", i => $"{i % 2},{X(i)},g{i % 10},0", "y,x,g,w");
        AssertError("every row has weight w 0", "fit", "--data", zero, "--formula", "y ~ x + (1 | g)", "--family", "binomial", "--weights", "w");
        string neg = Csv("neg.csv", i => $"{1 + i % 5},{X(i)},g{i % 10}", "s,x,g");
        AssertError("has failures < 0 (successes = 1, failures = -1)", "fit", "--data", neg, "--formula", "cbind(s, -s) ~ x + (1 | g)", "--family", "binomial");
    }

    [Fact]
    public void AsManyFixedEffectsAsRows_IsRefused()
    {
        string csv = CliRunner.WriteCsv("pn.csv", "y,a,b,c,g\n1.2,0.1,3,2,g0\n0.3,0.7,1,5,g1\n2.2,0.4,2,1,g0\n0.9,0.5,7,3,g1\n");
        AssertError("the fixed effects have 4 columns for 4 rows", "fit", "--data", csv, "--formula", "y ~ a + b + c + (1 | g)");
    }

    private static ModelFrame Degenerate(string formula, string? weights = null) =>
        ModelFrame.Build(TestData.Dataset("degenerate.csv", "extra"), formula, new ModelFrameOptions { WeightsColumn = weights });

    [Fact]
    public void ZeroWeightRows_AreLeftOut_MatchingLme4OnTheOtherRows()
    {
        var frame = Degenerate("y ~ x + (1 | g)", "w");
        Assert.Contains(frame.Messages, m => m.Contains("2 of 200 rows have weight w 0 and were left out", StringComparison.Ordinal));
        var fit = MixedModel.Fit(frame);
        var r = Ref.GetProperty("zero_weights");
        Assert.Equal("-Inf", r.GetProperty("logLik_all_rows").GetString());
        Assert.Equal(r.GetProperty("nobs").GetInt32(), fit.Nobs);
        AssertClose(r.GetProperty("logLik").GetDouble(), fit.LogLik, 1e-6);
        AssertClose(r.GetProperty("theta").GetDouble(), fit.Theta[0], 1e-4);
        AssertClose(r.GetProperty("sigma").GetDouble(), fit.Sigma!.Value, 1e-5);
        for (int j = 0; j < 2; j++) AssertClose(r.GetProperty("beta")[j].GetDouble(), fit.Beta[j], 1e-5);
    }

    [Fact]
    public void ResponseOnTheRight_IsDropped_AsRDoes()
    {
        var frame = Degenerate("y ~ y + x + (1 | g)");
        Assert.Contains(frame.Messages, m => m.StartsWith("warning: the response appeared on the right-hand side and was dropped", StringComparison.Ordinal));
        Assert.Equal(["(Intercept)", "x"], frame.X.ColumnNames);
        var fit = MixedModel.Fit(frame);
        var r = Ref.GetProperty("response_on_right");
        AssertClose(r.GetProperty("logLik").GetDouble(), fit.LogLik, 1e-6);
        AssertClose(r.GetProperty("theta").GetDouble(), fit.Theta[0], 1e-4);
        AssertClose(r.GetProperty("sigma").GetDouble(), fit.Sigma!.Value, 1e-5);
    }

    [Fact]
    public void NonIntegerPoissonCounts_GiveAFiniteLogLikelihood_WithAWarning()
    {
        string csv = Csv("pois.csv", i => $"{(2.5 + 2 * Math.Sin(0.9 * i)).ToString("R", CultureInfo.InvariantCulture)},{X(i)},g{i % 10}");
        var (code, o, err) = CliRunner.Run("fit", "--data", csv, "--formula", "y ~ x + (1 | g)", "--family", "poisson");
        Assert.True(code == 0, err);
        Assert.Contains("non-integer counts", o + err, StringComparison.Ordinal);
        var frame = ModelFrame.Build(FastGlmm.Data.Csv.CsvReader.ReadFile(csv), "y ~ x + (1 | g)",
            new ModelFrameOptions { Family = FamilySpec.Parse("poisson") });
        var fit = MixedModel.Fit(frame);
        Assert.True(double.IsFinite(fit.LogLik) && double.IsFinite(fit.Aic), $"logLik {fit.LogLik}");
        // The continuous extension: y log μ − μ − log Γ(y + 1) at a non-integer y.
        double y = 2.5, mu = 1.7;
        AssertClose(y * Math.Log(mu) - mu - FastGlmm.Families.SpecialFunctions.LogGamma(y + 1), PoissonDistribution.LogDensity(y, mu, 1), 1e-13);
    }

    [Fact]
    public void Simulate_TooManyValues_IsRefusedBeforeTheFit()
    {
        AssertError("--nsim 2147483647: 2147483647 simulations × 56 rows", "simulate", "--data", "cbpp", "--formula",
            "cbind(incidence, size - incidence) ~ period + (1 | herd)", "--family", "binomial", "--nsim", "2147483647");
    }
}
