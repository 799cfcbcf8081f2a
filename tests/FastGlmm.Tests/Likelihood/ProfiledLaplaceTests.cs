using System.Text.Json;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Likelihood;

namespace FastGlmm.Tests.Likelihood;

/// <summary>The nAGQ = 0 objective (θ only, β from joint PIRLS) against lme4's converged devfun (engine_reference.json).</summary>
public class ProfiledLaplaceTests
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray())
            if (c.GetProperty("method").GetString() == "nAGQ0") d.Add(c.GetProperty("id").GetString()!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Objective_EqualsLme4(string id)
    {
        var c = TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var frame = ModelFrame.Build(TestData.Dataset(c.GetProperty("dataset").GetString()!, c.GetProperty("dataset_dir").GetString()!),
            c.GetProperty("formula").GetString()!, new ModelFrameOptions { Family = FamilySpec.Parse(c.GetProperty("family").GetString()!) });
        var obj = new ProfiledLaplaceDeviance(frame, GlmIrls.Fit(frame));
        foreach (var (par, key) in new[] { ("par_opt", "objective_at_opt_converged"), ("par2", "objective_at_perturbed_converged") })
        {
            var theta = c.GetProperty(par).EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
            double expected = c.GetProperty(key).GetDouble();
            Assert.Equal(expected, obj.Evaluate(theta), 1e-7 * Math.Abs(expected));
        }
    }
}
