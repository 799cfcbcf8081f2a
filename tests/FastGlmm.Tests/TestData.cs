using System.Text.Json;

namespace FastGlmm.Tests;

/// <summary>Locates the pinned reference files copied next to the test assembly (tests/data).</summary>
internal static class TestData
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "data", .. parts]);

    /// <summary>A built-in data set, or one of tests/data/extra (CSV plus its levels file).</summary>
    public static FastGlmm.Data.DataTable Dataset(string file, string dir)
    {
        string name = file.Replace(".csv", "");
        if (!dir.Contains("extra")) return FastGlmm.Datasets.BuiltInDatasets.Load(name);
        var t = FastGlmm.Data.Csv.CsvReader.ReadFile(Path("extra", file));
        string lv = Path("extra", name + ".levels.json");
        return File.Exists(lv) ? t.WithLevels(FastGlmm.Data.LevelsFile.Read(lv)) : t;
    }

    public static JsonElement Json(params string[] parts)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path(parts)));
        return doc.RootElement.Clone();
    }
}
