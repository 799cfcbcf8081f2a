using System.Text.Json;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Likelihood;

namespace FastGlmm.Tests.Likelihood;

/// <summary>
/// The Laplace deviance at fixed (θ, β) equals lme4's devfun with PIRLS run to convergence
/// (tests/data/engine_reference.json, *_converged values; lme4 1.1-31).
/// </summary>
public class LaplaceObjectiveReferenceTests
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray())
            if (c.GetProperty("method").GetString() == "Laplace")
                d.Add(c.GetProperty("id").GetString()!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Laplace_EqualsConvergedLme4Devfun(string id)
    {
        var c = TestData.Json("engine_reference.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var data = TestData.Dataset(c.GetProperty("dataset").GetString()!, c.GetProperty("dataset_dir").GetString()!);
        var frame = ModelFrame.Build(data, c.GetProperty("formula").GetString()!,
            new ModelFrameOptions
            {
                Family = FamilySpec.Parse(c.GetProperty("family").GetString()!),
                WeightsColumn = c.GetProperty("weights").ValueKind == JsonValueKind.String ? c.GetProperty("weights").GetString() : null,
            });
        var lap = new LaplaceDeviance(frame);
        int nt = lap.Layout.Count;
        foreach (var (par, obj) in new[] { ("par_opt", "objective_at_opt_converged"), ("par2", "objective_at_perturbed_converged") })
        {
            if (!c.TryGetProperty(obj, out var expectedEl) || expectedEl.ValueKind != JsonValueKind.Number) continue;
            var v = c.GetProperty(par).EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
            double expected = expectedEl.GetDouble();
            Assert.Equal(expected, lap.Evaluate(v.AsSpan(0, nt), v.AsSpan(nt)), 1e-8 * Math.Abs(expected));
        }
    }
}
