using System.CommandLine;
using System.CommandLine.Help;
using FastGlmm.Cli.Commands;

namespace FastGlmm.Cli;

/// <summary>
/// The <c>fastglmm</c> command line. User errors print one line on stderr and exit with code 1;
/// the CLI holds no math, it only calls the library.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code for bad input (file, formula, option).</summary>
    public const int UserError = 1;

    /// <summary>Exit code for a GPU failure (a CUDA or NVRTC call failed, or device memory ran out).</summary>
    public const int DeviceError = 2;

    /// <summary>Exit code of a run stopped by Ctrl-C or SIGTERM after writing what it had finished (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>Exit code for an unexpected internal failure.</summary>
    public const int InternalError = 70;

    /// <summary>Runs the command line with the given writers (tests pass StringWriters).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // A plain command named "fastglmm" (RootCommand would take the assembly's file name).
        var root = new Command("fastglmm", "FastGlmm: fast (generalized) linear mixed models, lme4 formula syntax, CPU or GPU.");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(DatasetsCommand.Create(stdout));
        root.Subcommands.Add(DescribeCommand.Create(stdout));
        root.Subcommands.Add(CompareCommand.Create(stdout, stderr));
        root.Subcommands.Add(FitCommand.Create(stdout, stderr));
        root.Subcommands.Add(PredictCommand.Create(stdout, stderr));
        root.Subcommands.Add(BootstrapCommand.Create(stdout, stderr));
        root.Subcommands.Add(SimulateCommand.Create(stdout, stderr));
        root.Subcommands.Add(SimulateDataCommand.Create(stdout));
        root.Subcommands.Add(PlotCommand.Create(stdout, stderr));
        root.Subcommands.Add(SelfCheckCommand.Create(stdout));
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && args.Length > 0)
            {
                stderr.WriteLine("error: " + UserText.OneLine(ParseErrors(parsed)));
                return UserError;
            }
            return parsed.Invoke(config);
        }
        catch (UserInputException e)
        {
            stderr.WriteLine("error: " + UserText.OneLine(e.Message));
            return UserError;
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.OfType<UserInputException>().FirstOrDefault() is { } inner)
        {
            // A parallel loop (replicates, shards) that failed on bad input reports it as the serial loop would.
            stderr.WriteLine("error: " + UserText.OneLine(inner.Message));
            return UserError;
        }
        catch (Backends.Cuda.CudaException e)
        {
            stderr.WriteLine("error: " + UserText.OneLine(e.Message));
            return DeviceError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine("error: " + UserText.OneLine(e.Message));
            return UserError;
        }
        catch (OutOfMemoryException)
        {
            var info = GC.GetGCMemoryInfo();
            stderr.WriteLine($"error: out of memory ({Diagnostics.MemoryBudget.Format(info.HeapSizeBytes)} held, " +
                $"{Diagnostics.MemoryBudget.Format(info.TotalAvailableMemoryBytes)} available to this process); use fewer rows or a machine with more memory");
            return UserError;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"internal error ({e.GetType().Name}): {UserText.OneLine(e.Message)}");
            if (Environment.GetEnvironmentVariable("FASTGLMM_DEBUG") == "1") stderr.WriteLine(e);
            return InternalError;
        }
    }

    /// <summary>
    /// The parser's errors as one line, e.g. "Option '--formula' is required (fastglmm fit --help lists the options)";
    /// the help text itself is not printed, so that a script's log keeps one line per failure.
    /// </summary>
    private static string ParseErrors(ParseResult parsed)
    {
        var messages = parsed.Errors.Select(e => Plain(e.Message.Trim().TrimEnd('.'))).Distinct().ToList();
        var names = new List<string>();
        for (var c = parsed.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, c.Command.Name);
        string what = names.Count > 1 ? "options" : "commands";
        return string.Join("; ", messages) + $" ({string.Join(' ', names)} --help lists the {what})";
    }

    /// <summary>The parser's .NET type names in words.</summary>
    private static string Plain(string message) => message
        .Replace("expected type 'System.Int32'", "an integer")
        .Replace("expected type 'System.Int64'", "an integer")
        .Replace("expected type 'System.UInt64'", "a non-negative integer")
        .Replace("expected type 'System.Double'", "a number");
}
