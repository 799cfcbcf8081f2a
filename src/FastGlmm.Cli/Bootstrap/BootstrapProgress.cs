using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FastGlmm.Cli.Bootstrap;

/// <summary>
/// Runs the replicates with a live Spectre.Console progress bar on stderr (replicates done, replicates per
/// second, ETA) when stderr is a terminal, and nothing live otherwise; either way it ends with the line
/// "N replicates in X s (Y/s)".
/// </summary>
internal static class BootstrapProgress
{
    /// <summary>
    /// Calls <paramref name="work"/> with a progress sink (replicates done so far) and returns its result and the
    /// final timing line, which is also written to <paramref name="stderr"/>.
    /// </summary>
    /// <param name="stderr">Where the live bar and the timing line go.</param>
    /// <param name="count">Replicates to run.</param>
    /// <param name="allowLive">False: no live bar (--quiet).</param>
    /// <param name="work">Runs the replicates, reporting the number finished.</param>
    /// <param name="finished">How many replicates the result holds (fewer than <paramref name="count"/> when interrupted).</param>
    public static (T Result, string Timing) Run<T>(TextWriter stderr, int count, bool allowLive, Func<IProgress<int>, T> work,
        Func<T, int> finished)
    {
        var sw = Stopwatch.StartNew();
        T result;
        // Live output only on the process's own stderr, and only when that is a terminal (not tests or CI).
        bool live = allowLive && ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected && count > 0;
        if (live)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            result = console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountColumn(),
                    new RateColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("bootstrap", maxValue: count);
                    var r = work(new Sink(task));
                    task.Value = finished(r);
                    return r;
                });
        }
        else result = work(new Sink(null));
        double s = sw.Elapsed.TotalSeconds;
        int done = finished(result);
        string timing = string.Format(CultureInfo.InvariantCulture, "{0} replicates in {1:F1} s ({2:F1}/s)",
            done, s, s > 0 ? done / s : 0);
        stderr.WriteLine(timing);
        return (result, timing);
    }

    /// <summary>Receives "k done" from the worker threads (in any order) and moves the bar forward.</summary>
    private sealed class Sink(ProgressTask? task) : IProgress<int>
    {
        private readonly Lock _lock = new();
        private int _max;

        public void Report(int value)
        {
            if (task is null) return;
            lock (_lock)
            {
                if (value <= _max) return;
                _max = value;
                task.Value = value;
            }
        }
    }

    /// <summary>"k/B replicates".</summary>
    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Format(CultureInfo.InvariantCulture, "{0}/{1} replicates", (long)task.Value, (long)task.MaxValue));
    }

    /// <summary>Replicates per second since the start.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            double s = task.ElapsedTime?.TotalSeconds ?? 0;
            return new Text(s > 0 ? string.Format(CultureInfo.InvariantCulture, "{0:F1}/s", task.Value / s) : "–/s");
        }
    }
}
