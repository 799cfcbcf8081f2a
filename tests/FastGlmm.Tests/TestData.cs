using System.Text.Json;

namespace FastGlmm.Tests;

/// <summary>Locates the pinned reference files copied next to the test assembly (tests/data).</summary>
internal static class TestData
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "data", .. parts]);

    /// <summary>The repository's root (the folder above the test assembly that holds FastGlmm.sln), for files shipped outside tests/data.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(System.IO.Path.Combine(d.FullName, "FastGlmm.sln"))) return d.FullName;
            throw new InvalidOperationException($"no FastGlmm.sln above {AppContext.BaseDirectory}");
        }
    }

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
