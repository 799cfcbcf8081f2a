using FastGlmm.Data;
using FastGlmm.Data.Frame;
using FastGlmm.Model;

namespace FastGlmm.Inference;

/// <summary>A method of denominator degrees of freedom for a linear mixed model's fixed-effect tests.</summary>
public interface IDenominatorDf
{
    /// <summary>The t test of l'β = 0 (l of length p).</summary>
    TTestRow Contrast(string name, ReadOnlySpan<double> l);

    /// <summary>The F test of Lβ = 0, L r × p row-major.</summary>
    FTestRow Joint(string term, double[] l, int rows);

    /// <summary>Warnings from setting the method up, one line each.</summary>
    IReadOnlyList<string> Messages { get; }
}

/// <summary>Which denominator degrees of freedom: lmerTest's <c>ddf</c>.</summary>
public enum DdfMethod
{
    /// <summary>Satterthwaite's approximation (<see cref="Satterthwaite"/>).</summary>
    Satterthwaite,
    /// <summary>Kenward and Roger's (<see cref="KenwardRoger"/>), with their adjusted covariance of β̂.</summary>
    KenwardRoger,
}

/// <summary>
/// lmerTest's small-sample tests of a linear mixed model's fixed effects: the summary's t test of each coefficient and,
/// when asked for, the anova table's F test of each term (<see cref="AnovaContrasts"/>).
/// </summary>
/// <param name="Method">The method, as lmerTest names it ("Satterthwaite" or "Kenward-Roger").</param>
/// <param name="Coefficients">One t test per fixed effect, in β's order.</param>
/// <param name="AnovaType">The type of the F table, or null when none was asked for.</param>
/// <param name="Anova">The F table (a row per term), or null.</param>
/// <param name="Messages">The method's warnings.</param>
public sealed record FixedEffectTests(string Method, IReadOnlyList<TTestRow> Coefficients, AnovaType? AnovaType,
    IReadOnlyList<FTestRow>? Anova, IReadOnlyList<string> Messages)
{
    /// <summary>lmerTest's heading of the F table, e.g. "Type III Analysis of Variance Table with Satterthwaite's method".</summary>
    public string? AnovaHeading => AnovaType is { } t ? $"Type {t} Analysis of Variance Table with {Method}'s method" : null;

    /// <summary>
    /// Runs the tests on a fitted LMM (or LM). <paramref name="data"/> is the table the frame was built from, needed
    /// only for a type III table (null otherwise).
    /// </summary>
    /// <exception cref="UserInputException">The model is not a linear (mixed) model, or the method cannot be set up.</exception>
    public static FixedEffectTests Compute(ModelFrame frame, DataTable? data, FitResult fit, DdfMethod method, AnovaType? anova)
    {
        IDenominatorDf ddf = method == DdfMethod.Satterthwaite ? Satterthwaite.Create(frame, fit) : KenwardRoger.Create(frame, fit);
        int p = fit.Beta.Length;
        var rows = Enumerable.Range(0, p).Select(j =>
        {
            var l = new double[p];
            l[j] = 1;
            return ddf.Contrast(fit.BetaNames[j], l);
        }).ToList();
        IReadOnlyList<FTestRow>? table = null;
        if (anova is { } type)
        {
            if (type == Inference.AnovaType.III && data is null) throw new ArgumentNullException(nameof(data), "a type III table needs the data");
            table = [.. AnovaContrasts.For(frame, data!, type).Select(c => c.Rows == 0
                ? new FTestRow(c.Term.Label, double.NaN, double.NaN, 0, double.NaN, double.NaN, double.NaN)
                : ddf.Joint(c.Term.Label, c.L, c.Rows))];
        }
        return new FixedEffectTests(method == DdfMethod.Satterthwaite ? "Satterthwaite" : "Kenward-Roger", rows, anova, table, ddf.Messages);
    }
}
