using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Inference;
using FastGlmm.Model;

namespace FastGlmm.Cli.Commands;

/// <summary>
/// What <c>fit --ddf</c> and <c>--anova</c> ask for: lmerTest's t tests with a method of denominator degrees of freedom,
/// and optionally its F table of a given type (Satterthwaite's method when --anova comes without --ddf, as lmerTest's
/// default). Nothing is asked for when both are absent or --ddf is none without --anova.
/// </summary>
internal sealed record DdfRequest(DdfMethod? Method, AnovaType? Anova)
{
    /// <summary>Whether the data table must be kept after the frame is built (a type III table reads it again).</summary>
    public bool NeedsData => Anova == AnovaType.III;

    /// <summary>Parses --ddf and --anova (present with or without a value).</summary>
    public static DdfRequest Parse(string? ddf, bool anovaGiven, string? anova)
    {
        DdfMethod? method = ddf?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "satterthwaite" => DdfMethod.Satterthwaite,
            "kenward-roger" or "kenwardroger" or "kr" => DdfMethod.KenwardRoger,
            "none" or "lme4" => null,
            _ => throw new UserInputException($"--ddf {ddf}: unknown method; use satterthwaite, kenward-roger or none"),
        };
        AnovaType? type = null;
        if (anovaGiven)
        {
            if (ddf is not null && method is null)
                throw new UserInputException("--anova: an F table needs denominator degrees of freedom; drop --ddf none, or use --ddf satterthwaite or kenward-roger");
            type = (anova?.Trim().ToUpperInvariant() ?? "3") switch
            {
                "3" or "III" => AnovaType.III,
                "2" or "II" => AnovaType.II,
                "1" or "I" => AnovaType.I,
                _ => throw new UserInputException($"--anova {anova}: unknown type; use 3 (type III, lmerTest's default), 2 or 1"),
            };
            method ??= DdfMethod.Satterthwaite;
        }
        return new DdfRequest(method, type);
    }

    /// <summary>Refuses, before any work, a request the model cannot take: a GLMM, or Kenward–Roger with an ML fit.</summary>
    public void Check(FastGlmm.Families.FamilySpec family, bool reml)
    {
        if (Method is null) return;
        string option = Anova is not null && Method == DdfMethod.Satterthwaite ? "--anova" : "--ddf";
        if (!family.IsLinearMixedModel)
            throw new UserInputException($"{option}: denominator degrees of freedom apply to linear mixed models (gaussian, identity link) only; a GLMM's summary uses z tests, as lme4's");
        if (Method == DdfMethod.KenwardRoger && !reml)
            throw new UserInputException("--ddf kenward-roger: Kenward-Roger's method needs a REML fit (as lmerTest and pbkrtest require); drop --ml, or use --ddf satterthwaite");
    }

    /// <summary>Runs the tests on the fit, or returns null when none were asked for.</summary>
    public FixedEffectTests? Run(ModelFrame frame, DataTable? data, FitResult fit) =>
        Method is { } m ? FixedEffectTests.Compute(frame, data, fit, m, Anova) : null;
}
