using FastGlmm.Cli;
using Xunit.Abstractions;

namespace FastGlmm.Tests.Properties;

/// <summary>
/// Property-based test of option parsing and of every command behind it (CsCheck generator, fixed seed): over
/// 10,000 generated command lines, fastglmm exits 0, 1 or 2 (never 70, an internal error), prints no stack trace,
/// prints no NaN after a success, and leaves no temporary file behind. It runs in a temporary working directory,
/// alone (an option without its value takes the next token as a relative file name).
/// </summary>
[Collection(WorkingDirectoryCollection.Name)]
public class CliArgsPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void AnyCommandLine_SucceedsOrFailsCleanly()
    {
        string dir = Path.Combine(Path.GetTempPath(), "fastglmm-tests", "cli-props-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "data.csv"), "y,x,g\n1.5,1,a\n2.5,2,a\n0.5,3,b\n3.5,4,b\n2,5,c\n1,6,c\n");
        File.WriteAllText(Path.Combine(dir, "levels.json"), "{\"factor_levels\": {\"Subject\": [\"308\", \"309\"]}}");
        File.WriteAllText(Path.Combine(dir, "bad.json"), "{\"factor_levels\": [1, 2");
        int succeeded = 0;
        var codes = new Dictionary<int, int>();
        string cwd = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir;
        try
        {
            PropertyCheck.ForAll(CliArgsGen.CommandLine, 10_000, seed: 1202, args =>
            {
                var line = args.Select(a => a.Replace("{dir}", dir)).ToArray();
                var o = new StringWriter();
                var e = new StringWriter();
                int code = CliApp.Run(line, o, e);
                codes[code] = codes.GetValueOrDefault(code) + 1;
                string err = e.ToString();
                Assert.True(code is 0 or 1 or 2, $"exit {code}: {UserText.Clip(err, 400)}");
                Assert.DoesNotContain("   at ", err);
                Assert.DoesNotContain("internal error", err);
                if (code == 0)
                {
                    succeeded++;
                    string printed = o.ToString();
                    if (!printed.Contains("Usage:")) Assert.DoesNotMatch(@"\bNaN\b|Infinity|∞", printed); // help text mentions NaN
                }
                var leftovers = Directory.EnumerateFiles(dir, "*.tmp-*", SearchOption.AllDirectories).ToArray();
                Assert.True(leftovers.Length == 0, "temporary file left: " + string.Join(", ", leftovers));
            }, args => string.Join(" ", args.Select(a => a.Contains(' ') || a.Length == 0 ? $"'{a}'" : a)));
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
            Directory.Delete(dir, recursive: true);
        }
        output.WriteLine($"{succeeded} succeeded; exit codes {string.Join(", ", codes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"))}");
        Assert.True(succeeded > 1500, $"only {succeeded} command lines succeeded; exit codes {string.Join(", ", codes.Select(kv => $"{kv.Key}: {kv.Value}"))}");
    }
}

/// <summary>Tests that change the process's working directory: run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkingDirectoryCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "working directory";
}
