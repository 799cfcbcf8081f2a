using FastGlmm.Families;
using FastGlmm.Formula;

namespace FastGlmm.Data.Frame;

/// <summary>
/// Reads the response for a family, as R's <c>family$initialize</c> does: binomial accepts
/// <c>cbind(successes, failures)</c>, proportions in [0, 1] (with prior weights = trials), logicals and
/// two-level factors (first level = failure); poisson needs counts ≥ 0; Gamma needs y &gt; 0.
/// Values are over all input rows (NaN = NA); <see cref="Validate"/> checks the rows kept.
/// </summary>
internal sealed class ResponseReader(ExprEvaluator eval, ModelFormula formula, FamilySpec family, string source)
{
    public string Description { get; private set; } = "";

    /// <summary>The successes of a cbind response (all input rows), kept for <see cref="Validate"/>: a row with 0 trials has y = 0.</summary>
    private double[]? _successes;

    /// <summary>Returns y and the trials multiplier (null = 1) over all input rows.</summary>
    public (double[] Y, double[]? Trials, VariableValue[] Parts) Read()
    {
        var e = formula.Response ?? throw new FormulaException(formula.Text, 0, 1, "the formula has no response (nothing left of '~')");
        if (e is CallExpr { Function: "cbind" } c)
        {
            if (family.Family != FamilyId.Binomial)
                throw new FormulaException(formula.Text, c.Start, c.End, $"a cbind(successes, failures) response needs the binomial family, not {FamilySpec.Name(family.Family)}");
            var s = eval.Numeric(c.Args[0]);
            var f = eval.Numeric(c.Args[1]);
            var y = new double[s.Length];
            var n = new double[s.Length];
            for (int i = 0; i < y.Length; i++)
            {
                n[i] = s[i] + f[i];
                y[i] = n[i] == 0 ? 0 : s[i] / n[i];
                if (double.IsNaN(n[i])) y[i] = double.NaN;
            }
            _successes = s;
            Description = "successes / trials, weights = trials";
            return (y, n, [eval.Evaluate(c.Args[0]), eval.Evaluate(c.Args[1])]);
        }
        var v = eval.Evaluate(e);
        if (v.Kind == ColumnKind.Factor)
        {
            if (family.Family != FamilyId.Binomial)
                throw new FormulaException(formula.Text, e.Start, e.End, $"the response '{e.Deparse()}' is a factor; the {FamilySpec.Name(family.Family)} family needs numbers{eval.TextHint(e)}");
            if (v.Levels!.Length != 2)
                throw new FormulaException(formula.Text, e.Start, e.End,
                    $"the binomial response factor '{e.Deparse()}' has {v.Levels.Length} levels ({string.Join(", ", v.Levels.Take(5).Select(l => UserText.Clip(l)))}); it needs exactly two (first = failure)");
            var y = new double[v.Codes!.Length];
            for (int i = 0; i < y.Length; i++) y[i] = v.Codes[i] < 0 ? double.NaN : v.Codes[i];
            Description = $"factor: '{UserText.Clip(v.Levels[0])}' = failure (0), '{UserText.Clip(v.Levels[1])}' = success (1)";
            return (y, null, [v]);
        }
        Description = v.Kind == ColumnKind.Logical ? "logical: TRUE = success" : "numeric";
        return (v.AsNumeric()!, null, [v]);
    }

    /// <summary>
    /// Checks the kept rows (<paramref name="rows"/>, input indices) and returns notes (warnings).
    /// Errors name the 1-based input row.
    /// </summary>
    public List<string> Validate(double[] y, double[]? trials, double[]? weights, int[] rows)
    {
        var notes = new List<string>();
        string label = formula.Response!.Deparse();
        int firstNonInteger = -1;
        foreach (int i in rows)
        {
            double v = y[i];
            string At() => $"{source}, row {i + 1}: response {label}"; // built only for an error: this loop runs over every row
            if (!double.IsFinite(v)) throw new UserInputException($"{At()} is {v}");
            switch (family.Family)
            {
                case FamilyId.Binomial:
                    if (trials is not null)
                    {
                        double s = _successes?[i] ?? v * trials[i], f = trials[i] - s;
                        if (s < 0 || f < 0)
                            throw new UserInputException($"{At()} has {(s < 0 ? "successes" : "failures")} < 0 (successes = {s}, failures = {f})");
                        if (!IsInteger(v * trials[i]) && firstNonInteger < 0) firstNonInteger = i;
                    }
                    else
                    {
                        if (v < 0 || v > 1)
                            throw new UserInputException($"{At()} = {v} is outside [0, 1]; give counts as cbind(successes, failures)");
                        if (!IsInteger(v * (weights?[i] ?? 1.0)) && firstNonInteger < 0) firstNonInteger = i;
                    }
                    break;
                case FamilyId.Gaussian when family.Link == LinkId.Log && v <= 0 || family.Link == LinkId.Inverse && v == 0:
                    throw new UserInputException($"{At()} = {v}: {family} starts, as R's glm and glmer do, from μ = y, which its link cannot take (R: cannot find valid starting values); " +
                        "use the identity link, or a response the link can take");
                case FamilyId.Poisson:
                    if (v < 0) throw new UserInputException($"{At()} = {v} is negative; poisson needs counts ≥ 0");
                    if (!IsInteger(v) && firstNonInteger < 0) firstNonInteger = i;
                    break;
                case FamilyId.Gamma:
                    if (v <= 0) throw new UserInputException($"{At()} = {v}; the Gamma family needs positive values");
                    break;
                case FamilyId.InverseGaussian:
                    if (v <= 0) throw new UserInputException($"{At()} = {v}; the inverse.gaussian family needs positive values");
                    break;
                case FamilyId.Tweedie:
                    if (v < 0) throw new UserInputException($"{At()} = {v} is negative; the Tweedie family needs values ≥ 0");
                    break;
                case FamilyId.Beta:
                    if (!(v > 0 && v < 1)) throw new UserInputException($"{At()} = {v} is outside (0, 1); the beta family needs values strictly between 0 and 1");
                    break;
                case FamilyId.NegativeBinomial2 or FamilyId.NegativeBinomial1 or FamilyId.TruncatedPoisson
                    or FamilyId.TruncatedNegativeBinomial2 or FamilyId.TruncatedNegativeBinomial1:
                    if (v < 0) throw new UserInputException($"{At()} = {v} is negative; the negative binomial needs counts 0, 1, 2, …");
                    if (!IsInteger(v)) throw new UserInputException($"{At()} = {v} is not a whole number; the negative binomial needs counts 0, 1, 2, …");
                    break;
            }
        }
        if (firstNonInteger >= 0)
            notes.Add(family.Family == FamilyId.Binomial
                ? $"warning: non-integer number of successes in a binomial model (first at row {firstNonInteger + 1})"
                : $"warning: non-integer counts in a poisson model (first at row {firstNonInteger + 1}: {y[firstNonInteger]}); the log-likelihood uses the continuous extension y log μ − μ − log Γ(y + 1), as glmmTMB does (R's dpois gives −Inf)");
        return notes;
    }

    private static bool IsInteger(double x) => Math.Abs(x - Math.Round(x)) <= 1e-7 * Math.Max(1, Math.Abs(x));
}
