using System.CommandLine;
using System.Text.Json;
using FastGlmm.Data.Frame;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// --contrasts col=kind (repeatable) and --contrasts-file F (JSON <c>{"contrasts": {"col": "sum"}}</c> or a bare
/// <c>{"col": "sum"}</c>): R's <c>contrasts = list(col = "contr.sum")</c>. The command line wins over the file.
/// </summary>
internal sealed class ContrastOptions
{
    public Option<string[]> Contrasts { get; } = new("--contrasts")
    {
        Description = $"Code a factor by other contrasts than treatment, col=kind with kind one of {FastGlmm.Data.Frame.Contrasts.Names} (R's contr.*, MASS's contr.sdif); repeatable",
    };

    public Option<string?> ContrastsFile { get; } = new("--contrasts-file")
    {
        Description = "JSON file of contrasts: {\"contrasts\": {\"col\": \"sum\"}}",
    };

    public void AddTo(Command c)
    {
        c.Options.Add(Contrasts);
        c.Options.Add(ContrastsFile);
    }

    /// <summary>The contrasts by column, or null when none are given.</summary>
    public IReadOnlyDictionary<string, ContrastKind>? Resolve(ParseResult r)
    {
        var result = new Dictionary<string, ContrastKind>(StringComparer.Ordinal);
        if (r.GetValue(ContrastsFile) is { } path) Read(path, result);
        foreach (var spec in r.GetValue(Contrasts) ?? [])
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1)
                throw new UserInputException($"--contrasts '{UserText.Clip(spec)}': expected column=kind, kind one of {FastGlmm.Data.Frame.Contrasts.Names}");
            result[spec[..eq].Trim()] = FastGlmm.Data.Frame.Contrasts.Parse(spec[(eq + 1)..], $"--contrasts {spec}");
        }
        return result.Count == 0 ? null : result;
    }

    private static void Read(string path, Dictionary<string, ContrastKind> into)
    {
        if (!File.Exists(path)) throw new UserInputException($"--contrasts-file {path}: file not found");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("contrasts", out var c)) root = c;
            if (root.ValueKind != JsonValueKind.Object)
                throw new UserInputException($"{path}: expected an object mapping column names to contrast names");
            foreach (var p in root.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new UserInputException($"{path}: the contrast of '{UserText.Clip(p.Name)}' must be a string ({FastGlmm.Data.Frame.Contrasts.Names})");
                into[p.Name] = FastGlmm.Data.Frame.Contrasts.Parse(p.Value.GetString()!, $"{path}: '{UserText.Clip(p.Name)}'");
            }
        }
    }
}
