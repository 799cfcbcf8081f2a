using System.Text.Json;

namespace FastGlmm.Data;

/// <summary>
/// Reads factor level orders (R's <c>factor(x, levels = …)</c>) from JSON, either
/// <c>{"factor_levels": {"trt": ["placebo", "drug", "drug+"]}}</c> (the format R exports with
/// <c>levels()</c>) or a bare <c>{"trt": [...]}</c>, and from command-line text <c>trt=placebo,drug,drug+</c>.
/// </summary>
public static class LevelsFile
{
    /// <summary>Reads a levels file; errors name the file and what is wrong.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: levels file not found");
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    /// <summary>Parses levels JSON from a stream; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(Stream stream, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(stream); }
        catch (JsonException e) { throw new UserInputException($"{source}: not valid JSON ({e.Message.Split('\n')[0]})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("factor_levels", out var fl)) root = fl;
            if (root.ValueKind != JsonValueKind.Object)
                throw new UserInputException($"{source}: expected an object mapping column names to arrays of levels");
            var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var prop in root.EnumerateObject())
            {
                if (prop.Value.ValueKind != JsonValueKind.Array)
                    throw new UserInputException($"{source}: levels of '{UserText.Clip(prop.Name)}' must be an array of strings");
                result[prop.Name] = prop.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
                    ? e.GetString()! : e.GetRawText()).ToArray();
            }
            return result;
        }
    }

    /// <summary>Parses <c>col=a,b,c</c> into a column name and its levels.</summary>
    public static (string Column, IReadOnlyList<string> Levels) ParseSpec(string spec)
    {
        int eq = spec.IndexOf('=');
        if (eq <= 0 || eq == spec.Length - 1)
            throw new UserInputException($"--levels '{UserText.Clip(spec)}': expected column=level1,level2,…");
        var levels = spec[(eq + 1)..].Split(',').Select(s => s.Trim()).ToArray();
        if (levels.Any(l => l.Length == 0)) throw new UserInputException($"--levels '{UserText.Clip(spec)}': empty level name");
        return (spec[..eq].Trim(), levels);
    }
}
