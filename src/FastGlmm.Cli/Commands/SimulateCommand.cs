using System.CommandLine;
using System.Globalization;
using FastGlmm.Data.Frame;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm simulate</c>: fits the model as <c>fit</c> does, then writes lme4's <c>simulate(fm, nsim, seed)</c>: K new
/// response vectors from the fitted model, with new random effects u ~ N(0, I) (lme4's default, <c>re.form = NA</c>) or,
/// with --conditional, given the fitted random effects (<c>re.form = NULL</c>), drawn by
/// <see cref="ResponseSimulator"/> (simulation k is replicate k − 1 of the Philox streams keyed by --seed, the responses a
/// <c>bootstrap</c> with that seed refits). The CSV has the header <c>row,sim_1,…,sim_K</c>: the 1-based data row and the
/// simulated responses, on the scale the response was given (a cbind(successes, failures) response gives successes; a
/// proportion with trials as weights gives proportions).
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var model = new ModelOptions("Fit the linear mixed model by REML (the default for gaussian)", "Fit the linear mixed model by maximum likelihood");
        var nsim = new Option<int>("--nsim") { Description = "Number of simulated response vectors (lme4's nsim)", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Simulation seed; simulation k is reproducible from (seed, k) alone", DefaultValueFactory = _ => 1UL };
        var conditional = new Option<bool>("--conditional")
        {
            Description = "Simulate given the fitted random effects (lme4's re.form = NULL) instead of drawing new ones (re.form = NA, the default)",
        };
        var output = new Option<string?>("--out") { Description = "Write row,sim_1,… to this file instead of stdout (Parquet for a .parquet name, else CSV)" };
        var cmd = new Command("simulate", "Fit a model and write simulated responses from it (lme4's simulate) as CSV");
        data.AddTo(cmd);
        model.AddTo(cmd);
        foreach (var opt in new Option[] { nsim, seed, conditional, output }) cmd.Options.Add(opt);
        cmd.SetAction(r =>
        {
            int k = r.GetValue(nsim);
            if (k < 1) throw new UserInputException($"--nsim {k}: the number of simulations must be at least 1");
            string? outPath = r.GetValue(output);
            OutputFile.Check(outPath);
            var (spec, options) = model.Resolve(r, stderr);
            var table = data.Load(r);
            var frame = model.Frame(r, table, spec, stderr);
            options = model.WithZeroInflation(r, options, frame, table);
            CheckSize(k, frame.RowCount);
            var fit = MixedModel.Fit(frame, options);
            FitCommand.WriteMessages(stderr, fit, blankLineFirst: false);
            var sims = Simulate(frame, fit, k, r.GetValue(seed), r.GetValue(conditional));
            if (outPath is null) { Write(stdout, frame, sims); return 0; }
            ParquetOutput.Save(outPath, frame.RowCount, () => ParquetColumns(frame, sims), w => Write(w, frame, sims));
            stdout.WriteLine($"{k} simulated response vector{(k == 1 ? "" : "s")} of {frame.RowCount} rows written to {outPath}");
            return 0;
        });
        return cmd;
    }

    /// <summary>The most simulated values one run holds in memory: 2²⁷ doubles, 1 GiB.</summary>
    public const long MaxValues = 1L << 27;

    /// <summary>Refuses, before the fit, a run whose K × n simulated values would not fit in <see cref="MaxValues"/>.</summary>
    public static void CheckSize(int count, int rows)
    {
        long values = (long)count * rows;
        if (values > MaxValues)
            throw new UserInputException(FormattableString.Invariant(
                $"--nsim {count}: {count} simulations × {rows} rows = {values:N0} values ({values * 8.0 / (1L << 30):F1} GiB); one run holds at most {MaxValues:N0} (1 GiB): use --nsim {Math.Max(1, MaxValues / rows)} or fewer per run, with other seeds"));
    }

    /// <summary>K simulated responses (each n, frame order), on the scale the response was given.</summary>
    public static double[][] Simulate(ModelFrame frame, FitResult fit, int count, ulong seed, bool conditional)
    {
        var prob = new GlmmProblem(frame);
        double scale = ResponseSimulator.ScaleOf(fit, prob);
        double[]? mu = null;
        // A zero model's draws take the count model's conditional mean μ = g⁻¹(η) (not the fitted (1 − π)μ) and then set
        // zeros with probability π; the others take the fitted means.
        bool zeroModel = fit.ZeroInflation is not null || frame.Family.IsTruncated;
        if (conditional)
        {
            // fit.Fitted and the predictions are in data-row order; the simulator takes frame (block) order.
            var byRow = new Dictionary<int, double>(fit.InputRows.Length);
            if (zeroModel)
            {
                var eta = Prediction.Predict(frame, fit, PredictionLevel.Conditional, PredictionScale.Link);
                var family = Families.Family.For(frame.Family, fit.Dispersion, fit.Power);
                for (int i = 0; i < eta.InputRows.Length; i++) byRow[eta.InputRows[i]] = family.LinkInverse(eta.Values[i]);
            }
            else for (int i = 0; i < fit.InputRows.Length; i++) byRow[fit.InputRows[i]] = fit.Fitted[i];
            mu = new double[frame.RowCount];
            for (int i = 0; i < mu.Length; i++) mu[i] = byRow[frame.InputRow[i]];
        }
        ResponseSimulator.CheckSupported(frame.Family);
        var zero = fit.ZeroInflation?.ZeroProbabilities();
        bool counts = frame.Family.Family == Families.FamilyId.Binomial
            && frame.Response.Label.StartsWith("cbind(", StringComparison.Ordinal);
        var sims = new double[count][];
        Parallel.For(0, count, s =>
        {
            var y = mu is null
                ? ResponseSimulator.Simulate(prob, fit.Theta, fit.Beta, scale, seed, s, zeroProbability: zero, power: fit.Power ?? double.NaN)
                : ResponseSimulator.SimulateAtMeans(prob, mu, scale, seed, s, zero, fit.Power ?? double.NaN);
            if (counts)
                for (int i = 0; i < y.Length; i++) y[i] = Math.Round(y[i] * prob.Weights[i]);
            sims[s] = y;
        });
        return sims;
    }

    /// <summary>The Parquet table: the CSV's columns <c>row</c> (int32) and <c>sim_1</c> … <c>sim_K</c> (double), rows in data order.</summary>
    private static List<ParquetOutput.Column> ParquetColumns(ModelFrame frame, double[][] sims)
    {
        var order = Enumerable.Range(0, frame.RowCount).OrderBy(i => frame.InputRow[i]).ToArray();
        var columns = new List<ParquetOutput.Column> { new ParquetOutput.Int("row", k => frame.InputRow[order[k]] + 1) };
        for (int j = 0; j < sims.Length; j++)
        {
            var y = sims[j];
            columns.Add(new ParquetOutput.Number("sim_" + (j + 1).ToString(CultureInfo.InvariantCulture), k => y[order[k]]));
        }
        return columns;
    }

    /// <summary>The CSV: <c>row,sim_1,…,sim_K</c>, rows in data order, values in shortest round-trip form.</summary>
    private static void Write(TextWriter o, ModelFrame frame, double[][] sims)
    {
        o.WriteLine("row," + string.Join(",", Enumerable.Range(1, sims.Length).Select(k => "sim_" + k.ToString(CultureInfo.InvariantCulture))));
        var order = Enumerable.Range(0, frame.RowCount).OrderBy(i => frame.InputRow[i]).ToArray();
        var line = new System.Text.StringBuilder();
        foreach (int i in order)
        {
            line.Clear();
            line.Append((frame.InputRow[i] + 1).ToString(CultureInfo.InvariantCulture));
            foreach (var y in sims) line.Append(',').Append(y[i].ToString("R", CultureInfo.InvariantCulture));
            o.WriteLine(line);
        }
    }
}
