using System.Text.Encodings.Web;
using System.Text.Json;

namespace FastGlmm.Cli;

/// <summary>JSON settings shared by all commands: snake_case names, indented, unescaped text.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
