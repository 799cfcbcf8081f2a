using System.Diagnostics;

namespace FastGlmm.Diagnostics;

/// <summary>
/// Where the time and memory of a run go, for benchmarking: with the environment variable
/// <c>FASTGLMM_TRACE=1</c>, <see cref="Mark"/> writes one line per stage to standard error with the seconds since
/// the process started, the managed heap in use and the peak resident set so far. Without it, nothing is written.
/// </summary>
public static class StageTrace
{
    private static readonly bool On = Environment.GetEnvironmentVariable("FASTGLMM_TRACE") == "1";

    /// <summary>Writes the stage line when tracing is on.</summary>
    public static void Mark(string stage)
    {
        if (!On) return;
        using var p = Process.GetCurrentProcess();
        double t = (DateTime.Now - p.StartTime).TotalSeconds;
        Console.Error.WriteLine($"trace: {t,8:F2} s  heap {GC.GetTotalMemory(false) / 1e6,8:F0} MB  peak RSS {p.PeakWorkingSet64 / 1e6,8:F0} MB  {stage}");
    }
}
