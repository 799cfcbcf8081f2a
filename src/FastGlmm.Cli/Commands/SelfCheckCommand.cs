using System.CommandLine;
using FastGlmm.Backends;
using FastGlmm.Backends.Cuda;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm selfcheck</c>: backend parity on the built-in data sets (<see cref="SelfCheck"/>). Prints one
/// row per model and backend with the objective at fixed parameters, the AGQ value, the relative differences
/// from the CPU and PASS/FAIL; exits 1 when any row fails.
/// </summary>
internal static class SelfCheckCommand
{
    public static Command Create(TextWriter stdout)
    {
        var cmd = new Command("selfcheck", "Check every available backend against the CPU on the built-in data sets' classic models");
        cmd.SetAction(_ =>
        {
            var backends = new List<(string, GlmmBackendFactory)> { ("cpu", GlmmBackends.Cpu) };
            if (CudaDevice.TryOpen(out var reason) is { } device)
            {
                stdout.WriteLine($"cuda: {device}");
                backends.Add(("cuda", p => new CudaGlmmBackend(p, device)));
            }
            else stdout.WriteLine($"cuda: not available ({reason}); checking the CPU backend alone");
            stdout.WriteLine($"tolerances: objective {SelfCheckRow.ObjectiveTolerance:G2} relative at fixed parameters, estimates {SelfCheckRow.EstimateTolerance:G2}");
            stdout.WriteLine();
            var rows = SelfCheck.Run(backends);
            string[] head = ["dataset", "backend", "-2 logLik (Laplace)", "AGQ(9)", "objective rel.diff", "estimates rel.diff", "result"];
            var cells = rows.Select(r => new[]
            {
                r.Dataset, r.Backend, Num(r.Objective, "F6"), Num(r.Agq, "F6"), Num(r.ObjectiveDifference, "0.0e+00"), Num(r.EstimateDifference, "0.0e+00"),
                (r.Pass ? "PASS" : "FAIL") + (r.Note.Length > 0 ? $"  ({r.Note})" : ""),
            }).ToList();
            var widths = head.Select((h, j) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[j].Length))).ToArray();
            stdout.WriteLine(string.Join("  ", head.Select((h, j) => j < head.Length - 1 ? h.PadRight(widths[j]) : h)));
            foreach (var c in cells) stdout.WriteLine(string.Join("  ", c.Select((v, j) => j < c.Length - 1 ? v.PadRight(widths[j]) : v)));
            int failed = rows.Count(r => !r.Pass);
            stdout.WriteLine();
            stdout.WriteLine(failed == 0 ? $"selfcheck: PASS ({rows.Count} checks)" : $"selfcheck: FAIL ({failed} of {rows.Count} checks)");
            return failed == 0 ? 0 : 1;
        });
        return cmd;
    }

    private static string Num(double v, string format) => double.IsNaN(v) ? "—" : v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
