using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FastGlmm.Data;
using FastGlmm.Simulation;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// Same seed, any thread count: byte-identical output. Each run is a separate process with
/// <c>DOTNET_PROCESSOR_COUNT</c> set, on a 200,000-row binary GLMM (above the CPU backend's parallel threshold,
/// where summation ranges used to follow the core count) whose random-intercept SD is near the boundary, where a
/// rounding difference in the objective moves θ the most.
/// </summary>
public partial class ThreadCountTests
{
    private static readonly string[] Counts = ["1", "2", "7", "16"];

    private static string Data(int rows)
    {
        var t = SyntheticData.Generate(rows, rows / 100, SyntheticResponse.Binary, seed: 11, sdIntercept: 0.05);
        var y = ((NumericColumn)t.Columns[0]).Values;
        var x = ((NumericColumn)t.Columns[1]).Values;
        var g = (FactorColumn)t.Columns[2];
        var sb = new StringBuilder("y,x,g\n");
        for (int i = 0; i < y.Length; i++)
            sb.Append(y[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
              .Append(x[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
              .Append(g.Levels[g.Codes[i]]).Append('\n');
        return CliRunner.WriteCsv($"threads{rows}.csv", sb.ToString());
    }

    /// <summary>The output with its wall-clock fields removed.</summary>
    private static string WithoutTimes(string text) => Seconds().Replace(text, "");

    [GeneratedRegex("\"seconds\": *[0-9.eE+-]+|[0-9.]+ s \\([0-9.]+/s\\)")]
    private static partial Regex Seconds();

    private static async Task<string[]> RunAll(string[] counts, Func<string, string[]> args, Func<string, string> output)
    {
        var results = new string[counts.Length];
        for (int k = 0; k < counts.Length; k++)
        {
            var env = new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = counts[k] };
            var (code, _, err) = await CliProcess.Run(args(counts[k]), env);
            Assert.True(code == 0, err);
            results[k] = WithoutTimes(File.ReadAllText(output(counts[k])));
        }
        return results;
    }

    [Fact]
    public async Task Fit_Bootstrap_And_Mcml_AreByteIdentical_OnAnyThreadCount()
    {
        if (OperatingSystem.IsWindows()) return;
        string csv = Data(200_000);
        string dir = Path.GetDirectoryName(csv)!;
        string Out(string name, string c) => Path.Combine(dir, $"t{c}-{name}");
        string[] model = ["--data", csv, "--formula", "y ~ x + (1 | g)", "--family", "binomial", "--quiet"];
        // The bootstrap and MCML runs use 25,000 rows: above the parallel threshold, at a cost CI can afford.
        string[] small = ["--data", Data(25_000), "--formula", "y ~ x + (1 | g)", "--family", "binomial", "--quiet"];

        var fits = await RunAll(Counts, c => [.. model.Prepend("fit"), "--json", Out("fit.json", c)], c => Out("fit.json", c));
        Assert.All(fits, f => Assert.Equal(fits[0], f));
        Assert.Contains("\"theta\"", fits[0], StringComparison.Ordinal);

        var boots = await RunAll(Counts, c => [.. small.Prepend("bootstrap"), "-B", "3", "--seed", "5", "--out", Out("boot.csv", c)],
            c => Out("boot.csv", c));
        Assert.All(boots, b => Assert.Equal(boots[0], b));
        Assert.Equal(3, boots[0].Split('\n').Count(l => l.Contains(",ok,", StringComparison.Ordinal)));

        var mcml = await RunAll(["1", "7"], c => [.. small.Prepend("fit"), "--method", "mcml", "--m", "100", "--seed", "5", "--json", Out("mcml.json", c)],
            c => Out("mcml.json", c));
        Assert.Equal(mcml[0], mcml[1]);
    }
}
