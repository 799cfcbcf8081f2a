using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Likelihood;

namespace FastGlmm.Backends.Cuda;

/// <summary>One backend's result on one built-in model in <see cref="SelfCheck"/>.</summary>
/// <param name="Dataset">The built-in data set.</param>
/// <param name="Model">"formula [family]".</param>
/// <param name="Backend">The backend's name.</param>
/// <param name="Objective">−2 log L (Laplace) at the CPU fit's (θ̂, β̂).</param>
/// <param name="Agq">−2 log L by AGQ(9) there, for single-factor models (NaN otherwise).</param>
/// <param name="ObjectiveDifference">max relative difference of the objectives from the CPU's (0 for the CPU row).</param>
/// <param name="EstimateDifference">max relative difference of the fitted θ̂, β̂ from the CPU fit's (NaN when not fitted).</param>
/// <param name="Note">Why a check was not run, or "".</param>
public sealed record SelfCheckRow(string Dataset, string Model, string Backend, double Objective, double Agq,
    double ObjectiveDifference, double EstimateDifference, string Note)
{
    /// <summary>Objective parity bound (relative, at fixed parameters).</summary>
    public const double ObjectiveTolerance = 1e-10;

    /// <summary>Fitted-estimate parity bound (relative, |a − b| / max(|a|, 1)).</summary>
    public const double EstimateTolerance = 1e-6;

    /// <summary>Whether the row is within both bounds (NaN differences are checks not run).</summary>
    public bool Pass => !(ObjectiveDifference > ObjectiveTolerance) && !(EstimateDifference > EstimateTolerance)
        && (double.IsFinite(Objective) || Note.Length > 0);
}

/// <summary>
/// Backend parity on the built-in data sets (<c>fastglmm selfcheck</c>): every classic model is evaluated at
/// the CPU fit's estimates on each backend (the Laplace objective and, for single-factor models, AGQ with 9
/// nodes) and, for GLMMs, refitted on each backend. The CPU is the oracle.
/// </summary>
public static class SelfCheck
{
    /// <summary>Runs the checks for the named backends; the first must be the CPU.</summary>
    public static List<SelfCheckRow> Run(IReadOnlyList<(string Name, GlmmBackendFactory Factory)> backends)
    {
        var rows = new List<SelfCheckRow>();
        foreach (var d in BuiltInDatasets.All)
        {
            var spec = FamilySpec.Parse(d.Family);
            var frame = ModelFrame.Build(BuiltInDatasets.Load(d.Name), d.Formula, new ModelFrameOptions { Family = spec });
            var cpuFit = MixedModel.Fit(frame);
            if (spec.IsGlmmTmbFamily)
            {
                // Its own CPU Laplace path: no backend objective to compare, and no kernels yet.
                foreach (var (name, _) in backends)
                    rows.Add(name == "cpu"
                        ? new SelfCheckRow(d.Name, $"{d.Formula} [{d.Family}]", name, cpuFit.Deviance, double.NaN, 0, 0, "negative binomial: CPU Laplace fit only")
                        : new SelfCheckRow(d.Name, $"{d.Formula} [{d.Family}]", name, double.NaN, double.NaN, double.NaN, double.NaN, "not run: no kernels for nbinom2 yet"));
                continue;
            }
            var theta = cpuFit.Theta;
            var beta = cpuFit.Beta;
            bool agqOk = AgqApplies(frame);
            double refObjective = double.NaN, refAgq = double.NaN;
            double[] refEstimates = [.. theta, .. beta];
            foreach (var (name, factory) in backends)
            {
                string model = $"{d.Formula} [{d.Family}]";
                var problem = new Model.GlmmProblem(frame);
                if (name != "cpu" && CudaGlmmBackend.Unsupported(problem) is { } why)
                {
                    rows.Add(new SelfCheckRow(d.Name, model, name, double.NaN, double.NaN, double.NaN, double.NaN, "not run: " + why));
                    continue;
                }
                double obj, agq = double.NaN;
                using (var backend = factory(problem))
                {
                    obj = new LaplaceDeviance(backend).Evaluate(theta, beta);
                    if (agqOk) agq = new AgqDeviance(backend, 9).Evaluate(theta, beta);
                }
                double est = double.NaN;
                string note = "";
                if (spec.IsLinearMixedModel) note = "LMM fits use the CPU profiled path; objective only";
                else if (name == "cpu") est = 0;
                else
                {
                    var fit = MixedModel.Fit(frame, new FitOptions { Backend = factory });
                    est = MaxRelative(refEstimates, [.. fit.Theta, .. fit.Beta]);
                }
                if (name == "cpu") { refObjective = obj; refAgq = agq; }
                double diff = Math.Max(Relative(refObjective, obj), agqOk ? Relative(refAgq, agq) : 0);
                rows.Add(new SelfCheckRow(d.Name, model, name, obj, agq, diff, est, note));
            }
        }
        return rows;
    }

    private static bool AgqApplies(ModelFrame frame)
    {
        try
        {
            AgqDeviance.CheckApplicable(frame);
            return true;
        }
        catch (UserInputException) { return false; }
    }

    private static double Relative(double a, double b) =>
        double.IsFinite(a) && double.IsFinite(b) ? Math.Abs(a - b) / Math.Max(Math.Abs(a), 1e-300) : double.PositiveInfinity;

    private static double MaxRelative(double[] a, double[] b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]) / Math.Max(Math.Abs(a[i]), 1));
        return m;
    }
}
