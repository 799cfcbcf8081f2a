using FastGlmm.Backends.Cuda;

namespace FastGlmm.Tests.Cli;

/// <summary>--backend on fit, and fastglmm selfcheck, on whatever machine the tests run on.</summary>
public class BackendCommandTests
{
    private const string CbppFormula = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

    [Fact]
    public void Cuda_WithoutGpu_IsOneLineError_WithGpu_Fits()
    {
        var (code, o, err) = CliRunner.Run("fit", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "--backend", "cuda", "--quiet");
        if (CudaDevice.TryOpen(out var reason) is null)
        {
            Assert.Equal(1, code);
            Assert.Equal($"error: --backend cuda: no usable GPU: {reason}", err.Trim());
            Assert.Equal("", o);
        }
        else Assert.True(code == 0, err);
    }

    [Fact]
    public void Cpu_FitsAndReportsTheBackendInJson()
    {
        string json = Path.Combine(Path.GetDirectoryName(CliRunner.WriteCsv("unused.csv", ""))!, "backend.json");
        var (code, _, err) = CliRunner.Run("fit", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "--backend", "cpu", "--quiet", "--json", json);
        Assert.True(code == 0, err);
        Assert.Contains("\"backend\": \"cpu\"", File.ReadAllText(json));
    }

    [Fact]
    public void UnknownBackend_NamesTheOption()
    {
        var (code, _, err) = CliRunner.Run("fit", "--data", "cbpp", "--formula", CbppFormula, "--family", "binomial", "--backend", "fpga");
        Assert.Equal(1, code);
        Assert.Equal("error: --backend fpga: unknown backend; use auto, cpu or cuda", err.Trim());
    }

    [Fact]
    public void SelfCheck_PassesOnEveryAvailableBackend()
    {
        var (code, o, err) = CliRunner.Run("selfcheck");
        Assert.True(code == 0, o + err);
        Assert.Contains("selfcheck: PASS", o);
        // One CPU row per built-in data set, with the Laplace objective at the CPU fit (cbpp: lme4's −2 logLik 184.0526).
        var cbpp = o.Split('\n').Single(l => l.StartsWith("cbpp") && l.Contains(" cpu "));
        Assert.Contains("184.05256", cbpp);
        Assert.Equal(Datasets.BuiltInDatasets.All.Count, o.Split('\n').Count(l => l.Contains(" cpu ")));
    }
}
