using System.Text.Json;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// Whole fits on every pinned lme4 case (tests/data/engine_reference.json): nested, crossed, uncorrelated
/// and correlated slopes, a factor slope, offsets, prior weights, probit/cloglog, Gamma, LMMs. The optimum
/// must be at least as good as lme4's (logLik ≥ lme4's − 1e-4) and no more than 1e-3 better... unless
/// lme4's own objective is off (its PIRLS stops early), in which case we compare with its converged value.
/// </summary>
public class EngineReferenceFitTests
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray())
        {
            string m = c.GetProperty("method").GetString()!;
            if (m is "Laplace" or "REML" or "ML" || m.StartsWith("AGQ")) d.Add(c.GetProperty("id").GetString()!);
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fit_IsAtLeastAsGoodAsLme4(string id)
    {
        var c = TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var data = TestData.Dataset(c.GetProperty("dataset").GetString()!, c.GetProperty("dataset_dir").GetString()!);
        string? weights = c.GetProperty("weights").ValueKind == JsonValueKind.String ? c.GetProperty("weights").GetString() : null;
        if (weights == "w")
        {
            var days = ((FastGlmm.Data.NumericColumn)data["Days"]).Values;
            data = data.WithColumn(new FastGlmm.Data.NumericColumn("w", days.ToArray().Select(d => 1 + d % 3).ToArray()));
        }
        var frame = ModelFrame.Build(data, c.GetProperty("formula").GetString()!, new ModelFrameOptions
        {
            Family = FamilySpec.Parse(c.GetProperty("family").GetString()!),
            WeightsColumn = weights,
        });
        string method = c.GetProperty("method").GetString()!;
        var fit = MixedModel.Fit(frame, new FitOptions
        {
            Reml = method == "REML",
            Nagq = method.StartsWith("AGQ") ? c.GetProperty("nAGQ").GetInt32() : 1,
            HessianStandardErrors = false,
        });
        // lme4's logLik is −objective/2 at its optimum; its converged objective there is the true value.
        double lme4 = c.GetProperty("logLik").GetDouble();
        if (method.StartsWith("AGQ"))
        {
            // lme4's nAGQ > 1 logLik omits the saturated log-likelihood ℓ_sat; add it back.
            var fam = Family.For(frame.Family);
            for (int i = 0; i < frame.RowCount; i++)
            {
                double y = frame.Response.Y[i], w = frame.Response.Weights[i], mu = fam.InitialMu(y, w);
                lme4 += fam.LogDensity(y, mu, w) + fam.DevianceResidual(y, mu, w) / 2;
            }
        }
        if (c.TryGetProperty("objective_at_opt_converged", out var conv) && conv.ValueKind == JsonValueKind.Number && method == "Laplace")
            lme4 = Math.Max(lme4, -conv.GetDouble() / 2);
        Assert.True(fit.LogLik >= lme4 - 1e-4, $"{id}: logLik {fit.LogLik} < lme4's {lme4}");
        Assert.True(fit.LogLik <= lme4 + 0.05, $"{id}: logLik {fit.LogLik} is implausibly above lme4's {lme4}");
        bool singular = c.GetProperty("isSingular").ValueKind == JsonValueKind.True;
        if (!singular && c.GetProperty("lme4_conv_messages").GetArrayLength() == 0)
        {
            var beta = c.GetProperty("beta").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
            for (int j = 0; j < beta.Length; j++) Assert.Equal(beta[j], fit.Beta[j], 5e-3 * Math.Max(1, Math.Abs(beta[j])));
        }
    }
}
