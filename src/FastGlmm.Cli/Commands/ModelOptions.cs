using System.CommandLine;
using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Families;
using FastGlmm.Fitting;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// The model options shared by <c>fit</c>, <c>bootstrap</c> and <c>predict</c>: --formula, --family, --nagq, --reml/--ml and
/// --weights, --offset and the contrasts, with their checks and notes (REML is ignored for GLMMs, nAGQ for LMMs).
/// </summary>
internal sealed class ModelOptions(string remlText, string mlText)
{
    public Option<string> Formula { get; } = new("--formula") { Description = "lme4 model formula, e.g. \"y ~ x + (1 | g)\"", Required = true };
    public Option<string> Family { get; } = new("--family") { Description = "gaussian (default; lmer), binomial[(link)], poisson, Gamma[(link)] (glmer); glmmTMB's nbinom2, nbinom1, truncated_poisson, truncated_nbinom2, truncated_nbinom1 (hurdles with --ziformula), beta, tweedie", DefaultValueFactory = _ => "gaussian" };
    public Option<string?> Laplace { get; } = new("--laplace")
    {
        Description = "The Laplace approximation's information: for nbinom2 observed (glmmTMB's objective; the default) or expected (Fisher's, lme4's glmer.nb); for Gamma(log) expected (lme4's glmer; the default) or observed (glmmTMB's Gamma, φ by maximum likelihood)",
    };
    public Option<string?> ZiFormula { get; } = new("--ziformula")
    {
        Description = "A zero model for poisson, nbinom2 or nbinom1 (zero inflation) or a truncated family (a hurdle), as glmmTMB's ziformula: \"~1\" or \"~ x + f\" (logit of the extra zeros' probability; no random effects yet)",
    };
    public Option<int> Nagq { get; } = new("--nagq") { Description = "Quadrature nodes per random effect for GLMMs (lme4's nAGQ); 1 = Laplace", DefaultValueFactory = _ => 1 };
    public Option<bool> Reml { get; } = new("--reml") { Description = remlText };
    public Option<bool> Ml { get; } = new("--ml") { Description = mlText };
    public Option<string?> Weights { get; } = new("--weights") { Description = "Column of prior weights" };
    public Option<string?> Offset { get; } = new("--offset")
    {
        Description = "An offset: a column or expression, added to the linear predictor as offset(expr) in the formula is (lme4's offset =)",
    };
    public ContrastOptions Contrasts { get; } = new();
    public Option<string?> Backend { get; } = new("--backend")
    {
        Description = $"GLMM objectives and Monte Carlo importance weights on: auto (CUDA when a usable GPU, driver and NVRTC exist, else the CPU; the default), cpu or cuda. Default from {Backends.Cuda.BackendSelection.EnvironmentVariable}",
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Also print on stderr which backend runs the model and why, and the model's independent blocks (a single large block, as crossed designs form, stays on the CPU)",
    };

    public void AddTo(Command c)
    {
        foreach (var o in new Option[] { Formula, Family, Nagq, Laplace, ZiFormula, Reml, Ml, Weights, Offset, Backend, Verbose }) c.Options.Add(o);
        Contrasts.AddTo(c);
    }

    /// <summary>Checks the options, writes the notes to <paramref name="stderr"/>, and returns the family and fit options.</summary>
    public (FamilySpec Spec, FitOptions Options) Resolve(ParseResult r, TextWriter stderr)
    {
        var spec = FamilySpec.Parse(r.GetValue(Family)!);
        bool wantReml = r.GetValue(Reml), wantMl = r.GetValue(Ml);
        if (wantReml && wantMl) throw new UserInputException("--reml and --ml exclude each other; give one of them");
        int k = r.GetValue(Nagq);
        if (k < 0) throw new UserInputException($"--nagq {k}: the number of quadrature nodes must be 0 or more (1 = Laplace)");
        if (!spec.IsLinearMixedModel && (wantReml || wantMl))
            stderr.WriteLine($"note: {(wantReml ? "--reml" : "--ml")} is ignored for the {spec} family: GLMMs are fitted by maximum likelihood (lme4's glmer takes no REML argument)");
        if (spec.IsLinearMixedModel && r.GetResult(Nagq) is { Implicit: false })
            stderr.WriteLine("note: --nagq is ignored for linear mixed models (the likelihood is exact)");
        var information = ParseLaplace(r.GetValue(Laplace));
        bool gammaLog = spec.Family == Families.FamilyId.Gamma && spec.Link == Families.LinkId.Log;
        if (information is not null && !spec.IsNegativeBinomial && !gammaLog)
            throw new UserInputException(spec.IsGlmmTmbFamily
                ? $"--laplace: applies to nbinom2 and Gamma(log); {spec} is fitted as glmmTMB fits it, with the observed information"
                : $"--laplace: applies to nbinom2 and Gamma(log); the {spec} family's Laplace approximation is lme4's, with {(spec.Link == FamilySpec.DefaultLink(spec.Family) ? "the canonical link, where observed and expected information agree" : "Fisher's information")}");
        // Gamma(log): lme4's glmer by default (and with expected); observed is glmmTMB's model (φ by maximum likelihood).
        if (gammaLog && information == Likelihood.LaplaceInformation.Expected) information = null;
        bool glmmTmbGamma = gammaLog && information == Likelihood.LaplaceInformation.Observed;
        if (r.GetValue(ZiFormula) is not null && !(spec.IsGlmmTmbFamily && spec.Family != Families.FamilyId.Beta || spec.Family == Families.FamilyId.Poisson))
            throw new UserInputException($"--ziformula: zero inflation applies to count families (poisson, nbinom2, nbinom1), not {spec}");
        if (spec.IsGlmmTmbFamily || r.GetValue(ZiFormula) is not null || glmmTmbGamma)
        {
            if (r.GetResult(Backend) is { Implicit: false } && r.GetValue(Backend)?.Trim().ToLowerInvariant() is "cuda")
                throw new UserInputException("--backend cuda: the negative binomial is fitted on the CPU (its GPU kernels are not written yet); use --backend cpu or auto");
            return (spec, new FitOptions { Nagq = k, Laplace = information });
        }
        var (choice, isExplicit) = Backends.Cuda.BackendSelection.Parse(r.GetValue(Backend));
        if (spec.IsLinearMixedModel && choice == Backends.Cuda.BackendChoice.Cuda)
            stderr.WriteLine("note: linear mixed models are fitted on the CPU (profiled least squares); --backend cuda applies to GLMMs");
        bool verbose = r.GetValue(Verbose);
        var backends = spec.IsLinearMixedModel ? null : Backends.Cuda.BackendSelection.ResolveAll(choice, isExplicit || verbose, stderr.WriteLine);
        if (verbose && spec.IsLinearMixedModel) stderr.WriteLine("note: backend: the CPU (linear mixed models are fitted by profiled least squares)");
        return (spec, new FitOptions { Reml = !wantMl, Nagq = k, Backend = backends?.Glmm, ImportanceBackend = backends?.Importance, RefitBatch = backends?.Refit });
    }

    /// <summary>
    /// The columns the formula and --weights use, for reading only those from a columnar file; null when the formula
    /// does not parse (the model frame then reports the error, with its position).
    /// </summary>
    public IEnumerable<string>? ColumnsUsed(ParseResult r)
    {
        try
        {
            var names = new HashSet<string>(FastGlmm.Formula.ModelFormula.Parse(FormulaText(r)).ColumnNames(), StringComparer.Ordinal);
            if (r.GetValue(Weights) is { } w) names.Add(w);
            return names;
        }
        catch (FastGlmm.Formula.FormulaException)
        {
            return null;
        }
    }

    /// <summary>The formula, with --offset's expression added as an offset() term.</summary>
    public string FormulaText(ParseResult r)
    {
        string f = r.GetValue(Formula)!;
        if (r.GetValue(Offset) is not { } off) return f;
        if (string.IsNullOrWhiteSpace(off)) throw new UserInputException("--offset: give a column or an expression");
        return $"{f} + offset({off})";
    }

    /// <summary>Builds the model frame from the loaded table.</summary>
    /// <summary>--laplace's value: observed, expected (or fisher), or null when not given; anything else is a one-line error.</summary>
    public static Likelihood.LaplaceInformation? ParseLaplace(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "observed" => Likelihood.LaplaceInformation.Observed,
        "expected" or "fisher" => Likelihood.LaplaceInformation.Expected,
        var other => throw new UserInputException($"--laplace {other}: use observed (glmmTMB's) or expected (lme4's)"),
    };

    /// <summary>The options with --ziformula's design built on the frame's rows (unchanged without --ziformula).</summary>
    public FitOptions WithZeroInflation(ParseResult r, FitOptions options, ModelFrame frame, DataTable table) =>
        r.GetValue(ZiFormula) is { } zi ? options with { ZeroInflation = FastGlmm.Model.ZeroInflationDesign.Build(frame, table, zi) } : options;

    public ModelFrame Frame(ParseResult r, DataTable table, FamilySpec spec, TextWriter? stderr = null)
    {
        var frame = ModelFrame.Build(table, FormulaText(r), new ModelFrameOptions
        {
            Family = spec, WeightsColumn = r.GetValue(Weights), Contrasts = Contrasts.Resolve(r),
        });
        if (stderr is not null && r.GetValue(Verbose))
        {
            var b = frame.Blocks;
            int levels = b.LargestBlockLevels;
            stderr.WriteLine($"note: model: {frame.RowCount} rows, {frame.X.Columns} fixed effects, {b.Count} independent block{(b.Count == 1 ? "" : "s")} " +
                $"(the largest: {levels} grouping level{(levels == 1 ? "" : "s")} over {b.LargestBlockRows} rows)");
            stderr.WriteLine($"note: factor: {FastGlmm.Likelihood.CrossedBlock.Storage(frame)}");
            stderr.WriteLine($"note: {FastGlmm.Diagnostics.MemoryBudget.Check(frame)}");
        }
        return frame;
    }
}
