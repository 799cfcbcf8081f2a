using System.Text.Json;
using System.Text.Json.Serialization;
using FastGlmm.Model;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// The JSON that <c>fit --json</c> writes: <c>{"data": source, ...every FitResult property in snake_case}</c>.
/// Non-finite numbers (NaN, ±Infinity, e.g. a standard error that could not be computed) are written as
/// <c>null</c>, so every standard JSON reader accepts the file; finite numbers round-trip exactly.
/// </summary>
internal static class FitJson
{
    /// <summary>CliJson's settings plus the null-for-non-finite rule.</summary>
    public static readonly JsonSerializerOptions Options = new(CliJson.Options) { Converters = { new NonFiniteAsNull() } };

    /// <summary>Serializes the fit with the data source as its first property.</summary>
    public static string Serialize(FitResult fit, string dataSource)
    {
        var node = JsonSerializer.SerializeToNode(fit, Options)!.AsObject();
        node.Insert(0, "data", dataSource);
        return node.ToJsonString(Options);
    }

    /// <summary>Writes NaN and ±Infinity as null (and reads null back as NaN).</summary>
    private sealed class NonFiniteAsNull : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }
}
