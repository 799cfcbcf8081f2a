using System.Text.Json;
using System.Text.Json.Serialization;
using FastGlmm.Model;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// The JSON that <c>fit --json</c> writes: <c>{"data": source, ...every FitResult property in snake_case}</c>, the
/// per-row and per-level arrays only with <c>--json-rows</c>.
/// Non-finite numbers (NaN, ±Infinity, e.g. a standard error that could not be computed) are written as
/// <c>null</c>, so every standard JSON reader accepts the file; finite numbers round-trip exactly.
/// </summary>
internal static class FitJson
{
    /// <summary>CliJson's settings plus the null-for-non-finite rule.</summary>
    public static readonly JsonSerializerOptions Options = new(CliJson.Options) { Converters = { new NonFiniteAsNull() } };

    /// <summary>The properties that hold one value per fitted row or per random-effect level.</summary>
    public static readonly string[] RowProperties =
        ["input_rows", "fitted", "residuals_response", "residuals_pearson", "residuals_deviance", "random_effects"];

    /// <summary>
    /// Serializes the fit with the data source as its first property. Without <paramref name="rows"/> (the default of
    /// <c>fit --json</c>) the per-row and per-level arrays (<see cref="RowProperties"/>) are left out, so that the
    /// file's size does not grow with the data; <c>--fitted</c> and <c>--ranef</c> stream them to CSV instead.
    /// With <paramref name="tests"/> (fit --ddf or --anova), a <c>fixed_effect_tests</c> object holds them; with
    /// <paramref name="confint"/> (fit --confint), a <c>confint</c> object holds the level and the rows (parameter,
    /// estimate, lower, upper, method), a limit lme4 has as NA (or an infinite one) as null.
    /// </summary>
    public static string Serialize(FitResult fit, string dataSource, bool rows = false, FastGlmm.Inference.FixedEffectTests? tests = null,
        (IReadOnlyList<FastGlmm.Inference.ConfidenceInterval> Rows, double Level)? confint = null)
    {
        var summary = rows ? fit : fit with { Rows = FitRows.Empty, RandomEffects = [] };
        var node = JsonSerializer.SerializeToNode(summary, Options)!.AsObject();
        if (!rows) foreach (var name in RowProperties) node.Remove(name);
        node.Insert(0, "data", dataSource);
        // --ddf / --anova: lmerTest's coefficient table and F table, with the method that made them.
        if (tests is not null) node["fixed_effect_tests"] = JsonSerializer.SerializeToNode(tests, Options);
        if (confint is { } ci)
            node["confint"] = JsonSerializer.SerializeToNode(new { level = ci.Level, intervals = ci.Rows }, Options);
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
