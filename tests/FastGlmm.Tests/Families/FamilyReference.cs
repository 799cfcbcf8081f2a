using System.Globalization;
using System.Text.Json;

namespace FastGlmm.Tests.Families;

/// <summary>
/// Reads tests/data/family_reference.json (written by tests/data/rgen/family_reference.R): numbers are
/// strings in R's %.17g format, with "Inf", "-Inf" and "NaN" for non-finite values.
/// </summary>
internal static class FamilyReference
{
    private static readonly Lazy<JsonElement> Root = new(() => TestData.Json("family_reference.json"));

    public static JsonElement Json => Root.Value;

    public static double Parse(string s) => s switch
    {
        "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" or "NA" => double.NaN,
        _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    public static double Number(this JsonElement e) => Parse(e.GetString()!);

    public static double[] Numbers(this JsonElement e, string name) =>
        e.GetProperty(name).EnumerateArray().Select(v => Parse(v.GetString()!)).ToArray();

    /// <summary>Asserts |actual − expected| ≤ rel·|expected| (equal infinities and NaN pairs pass).</summary>
    public static void Close(double expected, double actual, double rel, string what)
    {
        if (double.IsNaN(expected) && double.IsNaN(actual)) return;
        if (expected == actual) return;
        Assert.True(Math.Abs(actual - expected) <= rel * Math.Abs(expected),
            $"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2}, tolerance {rel:E0})");
    }
}
