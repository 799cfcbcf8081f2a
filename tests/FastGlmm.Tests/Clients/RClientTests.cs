using System.Diagnostics;
using FastGlmm.Tests.Cli;

namespace FastGlmm.Tests.Clients;

/// <summary>A test that needs R with testthat, jsonlite and lme4 (and skips, saying so, without them).</summary>
public sealed class RFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        try
        {
            var (code, _, _) = RClientTests.RunR("Rscript", ["-e", "quit(status = as.integer(!all(sapply(c('testthat', 'jsonlite', 'nlme', 'lme4'), requireNamespace, quietly = TRUE))))"], TimeSpan.FromMinutes(1));
            return code == 0 ? null : "R lacks testthat, jsonlite, nlme or lme4";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "Rscript is not installed";
        }
    });

    public RFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}

/// <summary>
/// The R front end (clients/r/fastglmm): installed into a scratch library and its testthat suite run against this
/// build's CLI, which checks fg_glmer/fg_lmer against the CLI's own numbers and lme4 1.1-31's, and every accessor.
/// </summary>
public class RClientTests
{
    internal static (int Code, string Out, string Err) RunR(string program, IEnumerable<string> args, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit)) { p.Kill(entireProcessTree: true); Assert.Fail($"{program} did not finish within {limit}"); }
        return (p.ExitCode, o.Result, e.Result);
    }

    [RFact]
    public void RPackage_TestSuite_Passes()
    {
        string package = Path.Combine(TestData.RepositoryRoot, "clients", "r", "fastglmm");
        string lib = Path.GetDirectoryName(CliRunner.TempPath("x"))!;
        var install = RunR("R", ["CMD", "INSTALL", "--no-test-load", "-l", lib, package], TimeSpan.FromMinutes(3));
        Assert.True(install.Code == 0, install.Out + install.Err);
        var env = new Dictionary<string, string>
        {
            ["R_LIBS"] = lib,
            ["FASTGLMM_CLI"] = $"{CliProcess.Host} {typeof(FastGlmm.Cli.CliApp).Assembly.Location}",
        };
        var run = RunR("Rscript", ["-e", "library(testthat); library(fastglmm); r <- as.data.frame(test_dir('testthat', reporter = 'summary', stop_on_failure = FALSE)); " +
            "cat('\\nRESULT', sum(r$failed), sum(r$error), sum(r$skipped), sum(r$nb), '\\n'); quit(status = as.integer(sum(r$failed) + sum(r$error) > 0))"],
            TimeSpan.FromMinutes(8), env, Path.Combine(package, "tests"));
        Assert.True(run.Code == 0, run.Out + run.Err);
        var result = run.Out.Split('\n').Single(l => l.StartsWith("RESULT")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["RESULT", "0", "0", "0"], result[..4]);   // no failure, error or skip
        Assert.True(int.Parse(result[4]) >= 35, $"only {result[4]} expectations ran");
    }
}
