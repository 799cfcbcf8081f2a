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

/// <summary>fit --verbose: the model's blocks and where it runs.</summary>
public class VerboseOptionTests
{
    [Fact]
    public void Verbose_NamesTheBlocks_AndThatACrossedDesignRunsOnTheCpu()
    {
        var (code, _, e) = CliRunner.Run("fit", "--data", "salamander", "--formula", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)",
            "--family", "binomial", "--verbose", "--quiet");
        Assert.True(code == 0, e);
        Assert.Contains("note: model: 360 rows, 4 fixed effects, 6 independent blocks (the largest: 20 grouping levels over 60 rows)", e, StringComparison.Ordinal);
        // Without a GPU: "using the CPU (why)"; with one: "this model runs on the CPU backend: the largest independent block has 20 …".
        Assert.True(e.Contains("backend auto: using the CPU (", StringComparison.Ordinal) || e.Contains("runs on the CPU backend: the largest independent block has 20", StringComparison.Ordinal), e);
    }

    [Fact]
    public void WithoutVerbose_NoModelLine()
    {
        var (code, _, e) = CliRunner.Run("fit", "--data", "cbpp", "--formula", "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            "--family", "binomial", "--quiet");
        Assert.True(code == 0, e);
        Assert.DoesNotContain("note: model:", e, StringComparison.Ordinal);
    }
}
