using System.Text.Json;
using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Formula;

namespace FastGlmm.Tests.Frame;

/// <summary>
/// Model frames against lme4's glFormula/lFormula on the built-in data (tests/data/frame_reference.json,
/// made by tests/data/rgen/frame_reference.R with R 4.2.2 and lme4 1.1-31).
/// </summary>
public class FrameReferenceTests
{
    private static readonly JsonElement Reference = TestData.Json("frame_reference.json");

    public static TheoryData<string> CaseIds()
    {
        var d = new TheoryData<string>();
        foreach (var c in Reference.GetProperty("cases").EnumerateArray()) d.Add(c.GetProperty("id").GetString()!);
        return d;
    }

    private static JsonElement Case(string id) =>
        Reference.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static FamilySpec Family(string f) => FamilySpec.Parse(f);

    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Frame_MatchesLme4(string id)
    {
        var c = Case(id);
        var data = BuiltInDatasets.Load(c.GetProperty("dataset").GetString()!.Replace(".csv", ""));
        string formula = c.GetProperty("formula").GetString()!;
        var options = new ModelFrameOptions { Family = Family(c.GetProperty("family").GetString()!) };
        if (c.TryGetProperty("error", out var err))
        {
            // lme4 refuses these (more random effects than observations allow); so do we.
            Assert.Contains("number of levels", err.GetString());
            var e = Assert.Throws<FormulaException>(() => ModelFrame.Build(data, formula, options));
            Assert.Contains("not identifiable", e.Message);
            return;
        }
        var f = ModelFrame.Build(data, formula, options);
        Assert.Equal(c.GetProperty("nobs").GetInt32(), f.RowCount);
        Assert.Equal(Strings(c.GetProperty("x_colnames")), f.X.ColumnNames);
        Assert.Equal(Strings(c.GetProperty("dropped")), f.X.DroppedColumns);
        if (f.X.DroppedColumns.Count > 0) Assert.Contains(f.Messages, m => m.Contains("rank deficient so dropping"));

        // Column sums over all rows are order-free checks of every value of X.
        var sums = c.GetProperty("x_colsums").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int j = 0; j < f.X.Columns; j++)
        {
            double s = 0;
            foreach (var v in f.X.Column(j)) s += v;
            Assert.Equal(sums[j], s, 1e-9 * Math.Max(1, Math.Abs(sums[j])));
        }
        // First rows of X, response and offset, located through the block permutation.
        var head = c.GetProperty("x_head").EnumerateArray().ToArray();
        var respHead = c.GetProperty("response_head").EnumerateArray().ToArray();
        for (int r = 0; r < head.Length; r++)
        {
            int i = f.InputRow.IndexOf(r);
            var row = head[r].EnumerateArray().Select(x => x.GetDouble()).ToArray();
            for (int j = 0; j < row.Length; j++) Assert.Equal(row[j], f.X.Column(j)[i], 1e-12);
            AssertResponse(respHead[r], f, i);
            if (c.GetProperty("offset_head").ValueKind == JsonValueKind.Array)
                Assert.Equal(c.GetProperty("offset_head")[r].GetDouble(), f.Offset[i], 1e-12);
        }
        Assert.Equal(c.GetProperty("offset_head").ValueKind == JsonValueKind.Array, f.HasOffset);

        var terms = c.GetProperty("re_terms").EnumerateArray().ToArray();
        Assert.Equal(terms.Length, f.RandomTerms.Count);
        for (int t = 0; t < terms.Length; t++)
        {
            var rt = f.RandomTerms[t];
            Assert.Equal(terms[t].GetProperty("group").GetString(), rt.Group);
            Assert.Equal(Strings(terms[t].GetProperty("cnms")), rt.ColumnNames);
            Assert.Equal(terms[t].GetProperty("nlevels").GetInt32(), rt.LevelCount);
            Assert.Equal(Strings(terms[t].GetProperty("first_levels")), rt.Levels.Take(5));
        }
    }

    private static void AssertResponse(JsonElement expected, ModelFrame f, int i)
    {
        double y = f.Response.Y[i], w = f.Response.Weights[i];
        switch (expected.ValueKind)
        {
            case JsonValueKind.Array: // cbind: [successes, failures]
                Assert.Equal(expected[0].GetDouble(), y * w, 1e-9);
                Assert.Equal(expected[1].GetDouble(), (1 - y) * w, 1e-9);
                break;
            case JsonValueKind.String: // two-level factor: first level = failure
                Assert.Equal(expected.GetString() == "n" ? 0.0 : 1.0, y);
                break;
            default:
                Assert.Equal(expected.GetDouble(), y, 1e-9);
                break;
        }
    }
}
