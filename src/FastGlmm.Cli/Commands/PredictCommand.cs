using System.CommandLine;
using System.Globalization;
using FastGlmm.Fitting;
using FastGlmm.Inference;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// <c>fastglmm predict</c>: fits the model as <c>fit</c> does, then writes lme4's <c>predict()</c> for the fitted rows or,
/// with --newdata, for every row of another table (<see cref="Prediction"/>), as a CSV with the header
/// <c>row,prediction</c>: the 1-based row of the data (or new data) and the prediction, to --out or stdout.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var model = new ModelOptions("Fit the linear mixed model by REML (the default for gaussian)", "Fit the linear mixed model by maximum likelihood");
        var newData = new Option<string?>("--newdata")
        {
            Description = "Predict for every row of this CSV (or built-in data set) instead of the fitted rows; factors are coded by the fitted " +
                "data's levels, a grouping level the model was not fitted with (or NA) gets random effects 0 (lme4's allow.new.levels = TRUE); " +
                "a row with NA in a needed column gets NA; no response needed",
        };
        var level = new Option<string>("--level")
        {
            Description = "conditional (with the fitted random effects; lme4's default), population (none; re.form = NA) or marginal " +
                "(the mean over the random-effects distribution, by Gauss–Hermite quadrature)",
            DefaultValueFactory = _ => "conditional",
        };
        var scale = new Option<string>("--scale") { Description = "link (the linear predictor; lme4's default) or response (the mean)", DefaultValueFactory = _ => "link" };
        var output = new Option<string?>("--out") { Description = "Write row,prediction to this file instead of stdout (Parquet for a .parquet name, else CSV)" };
        var cmd = new Command("predict", "Fit a model and write its predictions (lme4's predict) for the fitted rows or new data as CSV");
        data.AddTo(cmd);
        model.AddTo(cmd);
        foreach (var opt in new Option[] { newData, level, scale, output }) cmd.Options.Add(opt);
        cmd.SetAction(r =>
        {
            var lev = ParseLevel(r.GetValue(level)!);
            var sc = ParseScale(r.GetValue(scale)!);
            string? outPath = r.GetValue(output);
            OutputFile.Check(outPath);
            var (spec, options) = model.Resolve(r, stderr);
            var table = data.Load(r);
            var nd = r.GetValue(newData) is { } path ? DataOptions.Open(path) : null;
            var frame = model.Frame(r, table, spec, stderr);
            options = model.WithZeroInflation(r, options, frame, table);
            var fit = MixedModel.Fit(frame, options);
            FitCommand.WriteMessages(stderr, fit, blankLineFirst: false);
            var predictions = nd is null ? Prediction.Predict(frame, fit, lev, sc) : Prediction.Predict(frame, fit, nd, lev, sc);
            foreach (var note in predictions.Notes) stderr.WriteLine("note: " + note);
            if (outPath is null) { Write(stdout, predictions); return 0; }
            ParquetOutput.Save(outPath, predictions.Values.Length,
                () => [new ParquetOutput.Int("row", i => predictions.InputRows[i] + 1), new ParquetOutput.Number("prediction", i => predictions.Values[i])],
                w => Write(w, predictions));
            stdout.WriteLine($"{predictions.Values.Length} predictions ({Name(lev)}, {Name(sc)} scale) of {(nd ?? table).Source} written to {outPath}");
            return 0;
        });
        return cmd;
    }

    /// <summary>The CSV: header <c>row,prediction</c>, then the 1-based row and the value (shortest round-trip form; NA for a
    /// row without a prediction).</summary>
    public static void Write(TextWriter o, Predictions p)
    {
        o.WriteLine("row,prediction");
        for (int i = 0; i < p.Values.Length; i++)
            o.WriteLine(double.IsNaN(p.Values[i])
                ? $"{p.InputRows[i] + 1},NA"
                : string.Create(CultureInfo.InvariantCulture, $"{p.InputRows[i] + 1},{p.Values[i]:R}"));
    }

    private static PredictionLevel ParseLevel(string text) => text.Trim().ToLowerInvariant() switch
    {
        "population" => PredictionLevel.Population,
        "conditional" => PredictionLevel.Conditional,
        "marginal" => PredictionLevel.Marginal,
        _ => throw new UserInputException($"--level {text}: use population, conditional or marginal"),
    };

    private static PredictionScale ParseScale(string text) => text.Trim().ToLowerInvariant() switch
    {
        "link" => PredictionScale.Link,
        "response" => PredictionScale.Response,
        _ => throw new UserInputException($"--scale {text}: use link or response"),
    };

    private static string Name(PredictionLevel l) => l.ToString().ToLowerInvariant();
    private static string Name(PredictionScale s) => s.ToString().ToLowerInvariant();
}
