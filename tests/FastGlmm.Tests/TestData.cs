using System.Text.Json;

namespace FastGlmm.Tests;

/// <summary>Locates the pinned reference files copied next to the test assembly (tests/data).</summary>
internal static class TestData
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "data", .. parts]);

    public static JsonElement Json(params string[] parts)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path(parts)));
        return doc.RootElement.Clone();
    }
}
