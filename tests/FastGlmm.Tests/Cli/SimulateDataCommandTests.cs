using FastGlmm.Data;
using FastGlmm.Simulation;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// fastglmm simulate-data writes exactly SyntheticData's table (the values the benchmarks fit in memory), byte-identical
/// on any thread count, and refuses bad options with one line.
/// </summary>
public class SimulateDataCommandTests
{
    private static string Temp(string name) => CliRunner.TempPath(name);

    [Theory]
    [InlineData("binary", "intercept", SyntheticResponse.Binary, 0.0)]
    [InlineData("poisson", "slope", SyntheticResponse.Poisson, 0.5)]
    [InlineData("gaussian", "intercept", SyntheticResponse.Gaussian, 0.0)]
    public void CsvEqualsSyntheticData(string response, string model, SyntheticResponse kind, double sdSlope)
    {
        string path = Temp("d.csv");
        var (code, o, err) = CliRunner.Run("simulate-data", "--rows", "150000", "--clusters", "700", "--model", model,
            "--response", response, "--seed", "42", "--out", path);
        Assert.True(code == 0, err);
        Assert.Contains("150000 rows, 700 clusters", o);
        var read = FastGlmm.Data.Csv.CsvReader.ReadFile(path);
        var expected = SyntheticData.Generate(150_000, 700, kind, 42, sdSlope: sdSlope);
        Assert.Equal(((NumericColumn)expected["y"]).Values.ToArray(), ((NumericColumn)read["y"]).Values.ToArray());
        Assert.Equal(((NumericColumn)expected["x"]).Values.ToArray(), ((NumericColumn)read["x"]).Values.ToArray());
        var g = (FactorColumn)read["g"];
        var ge = (FactorColumn)expected["g"];
        for (int i = 0; i < 150_000; i += 997) Assert.Equal(ge.Levels[ge.Codes[i]], g.Levels[g.Codes[i]]);
    }

    [Fact]
    public async Task ByteIdenticalOnOneAndSevenThreads()
    {
        var files = new List<byte[]>();
        foreach (var threads in new[] { "1", "7" })
        {
            string path = Temp("d.csv");
            var (code, _, err) = await CliProcess.Run(["simulate-data", "--rows", "300000", "--clusters", "1000", "--seed", "9", "--out", path],
                new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = threads });
            Assert.True(code == 0, err);
            files.Add(File.ReadAllBytes(path));
        }
        Assert.Equal(files[0], files[1]);
    }

    [Theory]
    [InlineData("--clusters", "0", "--clusters 0: must lie between 1 and --rows")]
    [InlineData("--model", "cubic", "--model cubic: use intercept or slope")]
    [InlineData("--response", "gamma", "--response gamma: use binary, poisson or gaussian")]
    [InlineData("--out", "/tmp/x.arrow", "give a file name ending in .csv or .parquet")]
    public void BadOptions_OneLine(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--rows"] = "100", ["--clusters"] = "10", ["--seed"] = "1", ["--out"] = Temp("d.csv") };
        args[option] = value;
        var (code, _, err) = CliRunner.Run(["simulate-data", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        Assert.Equal(1, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, err);
    }
}
