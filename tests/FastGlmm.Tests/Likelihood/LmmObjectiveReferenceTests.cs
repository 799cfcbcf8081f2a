using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// The LMM objective at fixed θ equals lme4's devfun (tests/data/engine_reference.json, made by
/// tests/data/rgen/engine_reference.R with lme4 1.1-31), at the optimum and at a perturbed θ.
/// </summary>
public class LmmObjectiveReferenceTests
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray())
            if (c.GetProperty("family").GetString()!.StartsWith("gaussian")) d.Add(c.GetProperty("id").GetString()!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Objective_EqualsLme4DevfunToOneInTenToTheEight(string id)
    {
        var c = TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var data = BuiltInDatasets.Load(c.GetProperty("dataset").GetString()!.Replace(".csv", ""));
        string? weights = null;
        if (c.GetProperty("weights").ValueKind == System.Text.Json.JsonValueKind.String)
        {
            // The weighted case's rule: w = 1 + Days %% 3.
            Assert.Contains("1 + Days %% 3", c.GetProperty("data_rule").GetString());
            var days = ((NumericColumn)data["Days"]).Values;
            var w = new double[days.Length];
            for (int i = 0; i < w.Length; i++) w[i] = 1 + days[i] % 3;
            data = data.WithColumn(new NumericColumn("w", w));
            weights = "w";
        }
        var frame = ModelFrame.Build(data, c.GetProperty("formula").GetString()!, new ModelFrameOptions { WeightsColumn = weights });
        var layout = new ThetaLayout(frame.RandomTerms);
        var dev = new LmmDeviance(new LmmCrossProducts(frame), layout);
        bool reml = c.GetProperty("REML").GetBoolean();
        Assert.Equal(c.GetProperty("devfun_par_names").EnumerateArray().Select(x => x.GetString()), layout.Names);
        foreach (var (par, obj) in new[] { ("par_opt", "objective_at_opt"), ("par2", "objective_at_perturbed") })
        {
            var theta = c.GetProperty(par).EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
            double expected = c.GetProperty(obj).GetDouble();
            Assert.Equal(expected, dev.Evaluate(theta, reml).Deviance, 1e-8 * Math.Abs(expected));
        }
    }
}
