using System.Diagnostics;
using System.Globalization;
using FastGlmm.Backends;
using FastGlmm.Backends.Cuda;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Likelihood;
using FastGlmm.Model;
using FastGlmm.Simulation;

namespace FastGlmm.Benchmarks;

/// <summary>
/// The big-data benchmark, a timed end-to-end run rather than a BenchmarkDotNet job (one fit at 10⁸ rows is
/// the measurement):
/// <c>dotnet run -c Release --project benchmarks/FastGlmm.Benchmarks -- bigdata --rows 10000000 --clusters 100000
/// --response binary --model slope --backend both</c>. It generates the seeded synthetic data in memory
/// (<see cref="SyntheticData"/>), builds the frame, and fits <c>y ~ x + (1 | g)</c> and/or <c>y ~ x + (1 + x | g)</c>
/// on each backend asked for, printing seconds, objective evaluations and ns per row per evaluation. On the GPU
/// it also times objective evaluations and single row passes at the optimum and compares the bytes a pass must
/// read with the device's peak bandwidth.
/// </summary>
public static class BigDataRun
{
    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine("bigdata [--rows N] [--clusters G] [--response binary|poisson|gaussian] [--model intercept|slope|both]");
            Console.WriteLine("        [--backend cpu|cuda|both|auto] [--seed S]   (defaults: 1000000 rows, 10000 clusters, binary, both, auto)");
            return 0;
        }
        try { return Fit(Options.Parse(args)); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static int Fit(Options o)
    {
        var sw = Stopwatch.StartNew();
        var table = SyntheticData.Generate(o.Rows, o.Clusters, o.Response, o.Seed, sdSlope: o.Model is "intercept" ? 0 : 0.5);
        Console.WriteLine($"data: {o.Rows:N0} rows, {o.Clusters:N0} clusters, {o.Response} responses, seed {o.Seed}: generated in {sw.Elapsed.TotalSeconds:F2} s");
        string family = o.Response switch { SyntheticResponse.Binary => "binomial", SyntheticResponse.Poisson => "poisson", _ => "gaussian" };
        var models = o.Model == "both" ? new[] { "intercept", "slope" } : [o.Model];
        foreach (var model in models)
        {
            string formula = model == "slope" ? "y ~ x + (1 + x | g)" : "y ~ x + (1 | g)";
            sw.Restart();
            var frame = ModelFrame.Build(table, formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });
            Console.WriteLine($"\n{formula} [{family}]: frame built in {sw.Elapsed.TotalSeconds:F2} s");
            foreach (var (name, factory) in Backends(o.Backend))
            {
                sw.Restart();
                var fit = MixedModel.Fit(frame, new FitOptions { Backend = factory, HessianStandardErrors = false });
                double s = sw.Elapsed.TotalSeconds;
                int ev = fit.Convergence.Evaluations;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-5} fit {s,8:F2} s  {ev,4} evaluations  {s * 1e9 / ((double)o.Rows * ev),7:F2} ns/row/evaluation  logLik {fit.LogLik:F4}  backend {fit.Backend}  converged {fit.Convergence.Converged}"));
                Console.WriteLine($"        θ = [{string.Join(", ", fit.Theta.Select(v => v.ToString("F5", CultureInfo.InvariantCulture)))}]  β = [{string.Join(", ", fit.Beta.Select(v => v.ToString("F5", CultureInfo.InvariantCulture)))}]");
                if (name == "cuda" && !family.Equals("gaussian")) Bandwidth(frame, fit);
            }
        }
        return 0;
    }

    /// <summary>At the optimum: median time of an objective evaluation and of one row pass, against the DRAM bound.</summary>
    private static void Bandwidth(ModelFrame frame, FitResult fit)
    {
        var device = CudaDevice.Open();
        using var backend = new CudaGlmmBackend(new GlmmProblem(frame), device);
        var lap = new LaplaceDeviance(backend);
        lap.Evaluate(fit.Theta, fit.Beta);
        var times = new List<double>();
        long passes0 = backend.RowPasses;
        for (int r = 0; r < 7; r++)
        {
            var t = Stopwatch.StartNew();
            lap.Evaluate(fit.Theta, fit.Beta);
            times.Add(t.Elapsed.TotalSeconds);
        }
        double passesPerEval = (backend.RowPasses - passes0) / 7.0;
        var all = new bool[backend.Problem.BlockCount];
        Array.Fill(all, true);
        var pdev = new double[all.Length];
        var passTimes = new List<double>();
        for (int r = 0; r < 7; r++)
        {
            var t = Stopwatch.StartNew();
            backend.Evaluate(false, all, pdev);
            passTimes.Add(t.Elapsed.TotalSeconds);
        }
        double eval = Median(times), pass = Median(passTimes), bytes = backend.BytesPerRowPass, peak = device.PeakBandwidth;
        double bound = passesPerEval * bytes / peak;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"        GPU {device.Name}: device memory held {backend.DeviceBytes / 1048576.0:F0} MiB; one row pass reads ≥ {bytes / 1048576.0:F0} MiB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"        row pass (with its per-block download): median {pass * 1e3:F3} ms = {bytes / pass / 1e9:F0} GB/s of {peak / 1e9:F0} GB/s peak ({bytes / peak / pass * 100:F0}%)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"        objective evaluation at the optimum: median {eval * 1e3:F3} ms, {passesPerEval:F1} row passes; bandwidth bound {bound * 1e3:F3} ms; ratio {eval / bound:F2}×"));
    }

    private static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    private static IEnumerable<(string, GlmmBackendFactory)> Backends(string which)
    {
        if (which is "cpu" or "both") yield return ("cpu", GlmmBackends.Cpu);
        if (which is "cuda" or "both" or "auto")
        {
            var device = CudaDevice.TryOpen(out var reason);
            if (device is null)
            {
                if (which == "cuda") throw new ArgumentException($"--backend cuda: no usable GPU: {reason}");
                Console.WriteLine($"  cuda: not available ({reason})");
                if (which == "auto") yield return ("cpu", GlmmBackends.Cpu);
                yield break;
            }
            yield return ("cuda", p => new CudaGlmmBackend(p, device));
        }
    }

    private sealed record Options(int Rows, int Clusters, SyntheticResponse Response, string Model, string Backend, ulong Seed)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(1_000_000, 10_000, SyntheticResponse.Binary, "both", "auto", 20261121);
            if (args.Length % 2 != 0) throw new ArgumentException($"{args[^1]}: every option takes a value");
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                string v = args[i + 1];
                try { o = With(o, args[i], v); }
                catch (Exception e) when (e is FormatException or OverflowException)
                {
                    throw new ArgumentException($"{args[i]} {v}: not a valid number");
                }
            }
            return o;
        }

        private static Options With(Options o, string option, string v) =>
                option switch
                {
                    "--rows" => o with { Rows = int.Parse(v, CultureInfo.InvariantCulture) },
                    "--clusters" => o with { Clusters = int.Parse(v, CultureInfo.InvariantCulture) },
                    "--response" => o with { Response = v switch { "binary" => SyntheticResponse.Binary, "poisson" => SyntheticResponse.Poisson, "gaussian" => SyntheticResponse.Gaussian, _ => throw new ArgumentException($"--response {v}: binary, poisson or gaussian") } },
                    "--model" => o with { Model = v is "intercept" or "slope" or "both" ? v : throw new ArgumentException($"--model {v}: intercept, slope or both") },
                    "--backend" => o with { Backend = v is "cpu" or "cuda" or "both" or "auto" ? v : throw new ArgumentException($"--backend {v}: cpu, cuda, both or auto") },
                    "--seed" => o with { Seed = ulong.Parse(v, CultureInfo.InvariantCulture) },
                    _ => throw new ArgumentException($"unknown option {option}"),
                };
    }
}
