using System.Diagnostics;

namespace FastGlmm.Tests.Cli;

/// <summary>
/// Runs the fastglmm command line as a separate process (the built CLI assembly under the test's own dotnet host),
/// for what an in-process run cannot show: signals, the process's core count, what is left on disk after a kill.
/// </summary>
internal static class CliProcess
{
    /// <summary>The dotnet host that runs the tests (or "dotnet" on the path).</summary>
    public static string Host =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    /// <summary>The start information for <c>fastglmm args…</c>, with extra environment variables.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(FastGlmm.Cli.CliApp).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        if (environment != null)
            foreach (var (k, v) in environment) start.Environment[k] = v;
        return start;
    }

    /// <summary>Runs <c>fastglmm args…</c> to its end (at most <paramref name="minutes"/>) and returns its exit code and output.</summary>
    public static async Task<(int Code, string Out, string Err)> Run(IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, double minutes = 5)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"fastglmm {string.Join(' ', args)} did not finish within {minutes} minutes");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
