using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;

namespace FastGlmm.Tests.Frame;

/// <summary>For every pinned reference fit, X's column names and order equal the fit's fixef names.</summary>
public class ReferenceFitNamesTests
{
    public static TheoryData<string> Files() =>
        new(Directory.GetFiles(TestData.Path("reference"), "*.json").Select(Path.GetFileName).Order()!);

    /// <summary>The lme4 formula of a reference file (the glmm package writes its model differently).</summary>
    internal static string Lme4Formula(System.Text.Json.JsonElement r) =>
        r.GetProperty("id").GetString() == "salamander_mcml_published"
            ? "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)"
            : r.GetProperty("formula").GetString()!;

    internal static string Family(System.Text.Json.JsonElement r) => r.GetProperty("family").GetString()!;

    [Theory]
    [MemberData(nameof(Files))]
    public void FixedEffectNames_EqualReference(string file)
    {
        var r = TestData.Json("reference", file);
        var data = BuiltInDatasets.Load(r.GetProperty("dataset").GetString()!.Replace(".csv", ""));
        var frame = ModelFrame.Build(data, Lme4Formula(r), new ModelFrameOptions { Family = FamilySpec.Parse(Family(r)) });
        var expected = r.GetProperty("fixef").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(expected, frame.X.ColumnNames);
        if (r.TryGetProperty("nobs", out var nobs)) Assert.Equal(nobs.GetInt32(), frame.RowCount);
    }
}
