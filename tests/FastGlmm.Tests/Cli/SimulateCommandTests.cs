using FastGlmm.Cli.Commands;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// fastglmm simulate (lme4's simulate): over many simulations the mean of every row matches the model's own mean —
/// the population-averaged (marginal) mean by quadrature for new random effects, the conditional fitted mean μ̂
/// given the fitted ones — within Monte Carlo error; simulations do not depend on how many are asked for; the CSV
/// and its errors.
/// </summary>
public class SimulateCommandTests
{
    private const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    private static (ModelFrame Frame, FitResult Fit) Cbpp()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), CbppFormula, new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        return (frame, MixedModel.Fit(frame));
    }

    /// <summary>The largest |mean − expected| / (sd/√K) over rows (frame order).</summary>
    private static double MaxZ(double[][] sims, Func<int, double> expected)
    {
        int n = sims[0].Length, k = sims.Length;
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double mean = sims.Average(s => s[i]);
            double sd = Math.Sqrt(sims.Sum(s => (s[i] - mean) * (s[i] - mean)) / (k - 1));
            if (sd == 0) { Assert.Equal(expected(i), mean, 12); continue; }
            worst = Math.Max(worst, Math.Abs(mean - expected(i)) / (sd / Math.Sqrt(k)));
        }
        return worst;
    }

    /// <summary>Frame row i's value from values given in data-row order with their data rows.</summary>
    private static Func<int, double> ByFrameRow(ModelFrame frame, int[] inputRows, double[] values)
    {
        var map = new Dictionary<int, double>();
        for (int j = 0; j < inputRows.Length; j++) map[inputRows[j]] = values[j];
        return i => map[frame.InputRow[i]];
    }

    [Fact]
    public void NewRandomEffects_MeanIsTheMarginalMean()
    {
        var (frame, fit) = Cbpp();
        var sims = SimulateCommand.Simulate(frame, fit, 4000, seed: 7, conditional: false);
        var marginal = Prediction.Predict(frame, fit, PredictionLevel.Marginal, PredictionScale.Response);
        var size = frame.Response.Weights.ToArray();
        var expected = ByFrameRow(frame, marginal.InputRows, marginal.Values);
        // Successes: size × the marginal probability. 56 rows at 4.5 SE: a false alarm has probability < 4e-4.
        Assert.InRange(MaxZ(sims, i => size[i] * expected(i)), 0, 4.5);
        // Not the conditional means: herds' random effects matter.
        var conditional = ByFrameRow(frame, fit.InputRows, fit.Fitted);
        Assert.True(MaxZ(sims, i => size[i] * conditional(i)) > 6);
    }

    [Fact]
    public void Conditional_MeanIsTheFittedMean()
    {
        var (frame, fit) = Cbpp();
        var sims = SimulateCommand.Simulate(frame, fit, 4000, seed: 8, conditional: true);
        var size = frame.Response.Weights.ToArray();
        var fitted = ByFrameRow(frame, fit.InputRows, fit.Fitted);
        Assert.InRange(MaxZ(sims, i => size[i] * fitted(i)), 0, 4.5);
    }

    [Fact]
    public void Gaussian_Conditional_MeanIsTheFittedMean()
    {
        var frame = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
        var fit = MixedModel.Fit(frame);
        var sims = SimulateCommand.Simulate(frame, fit, 2000, seed: 9, conditional: true);
        Assert.InRange(MaxZ(sims, ByFrameRow(frame, fit.InputRows, fit.Fitted)), 0, 4.5);
        // The residual SD is σ̂.
        var fitted = ByFrameRow(frame, fit.InputRows, fit.Fitted);
        double ss = 0;
        foreach (var s in sims) for (int i = 0; i < s.Length; i++) ss += (s[i] - fitted(i)) * (s[i] - fitted(i));
        double sd = Math.Sqrt(ss / (sims.Length * sims[0].Length));
        Assert.Equal(fit.Sigma!.Value, sd, fit.Sigma.Value * 0.01);
    }

    [Fact]
    public void Simulations_DoNotDependOnHowManyAreAsked()
    {
        var (frame, fit) = Cbpp();
        var three = SimulateCommand.Simulate(frame, fit, 3, seed: 5, conditional: false);
        var five = SimulateCommand.Simulate(frame, fit, 5, seed: 5, conditional: false);
        for (int k = 0; k < 3; k++) Assert.Equal(three[k], five[k]);
        Assert.NotEqual(five[3], five[4]);
    }

    [Fact]
    public void Csv_HasOneColumnPerSimulation_InDataRowOrder()
    {
        var (code, o, e) = CliRunner.Run("simulate", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "--nsim", "3", "--seed", "2");
        Assert.True(code == 0, e);
        var lines = o.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,sim_1,sim_2,sim_3", lines[0]);
        Assert.Equal(57, lines.Length);
        var table = BuiltInDatasets.Load("cbpp");
        for (int r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            Assert.Equal(r.ToString(), cells[0]);
            foreach (var c in cells.Skip(1))
            {
                double v = double.Parse(c, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(Math.Round(v), v);
                Assert.InRange(v, 0, 34);
            }
        }
    }

    [Theory]
    [InlineData("--nsim", "0", "--nsim 0")]
    [InlineData("--out", "/no/such/folder/s.csv", "does not exist")]
    public void BadOptions_AreOneLineErrors(string option, string value, string expected)
    {
        var (code, _, e) = CliRunner.Run("simulate", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", option, value);
        Assert.Equal(1, code);
        Assert.Contains(expected, e, StringComparison.Ordinal);
        Assert.Single(e.Trim().Split('\n'));
    }
}
