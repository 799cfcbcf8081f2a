using System.Text.RegularExpressions;

namespace FastGlmm.Families;

/// <summary>A family and link pair, e.g. binomial with the logit link.</summary>
public sealed record FamilySpec(FamilyId Family, LinkId Link)
{
    /// <summary>The Gaussian family with identity link (a linear mixed model).</summary>
    public static readonly FamilySpec Gaussian = new(FamilyId.Gaussian, LinkId.Identity);

    /// <summary>The canonical (R default) link of each family: identity, logit, log, inverse.</summary>
    public static LinkId DefaultLink(FamilyId f) => f switch
    {
        FamilyId.Gaussian => LinkId.Identity,
        FamilyId.Binomial => LinkId.Logit,
        FamilyId.Poisson => LinkId.Log,
        FamilyId.Gamma => LinkId.Inverse,
        FamilyId.NegativeBinomial2 or FamilyId.NegativeBinomial1 or FamilyId.TruncatedPoisson
            or FamilyId.TruncatedNegativeBinomial2 or FamilyId.TruncatedNegativeBinomial1 => LinkId.Log,
        FamilyId.Beta => LinkId.Logit,
        FamilyId.Tweedie => LinkId.Log,
        FamilyId.InverseGaussian => LinkId.InverseSquare,
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>The links FastGlmm supports for each family.</summary>
    public static IReadOnlyList<LinkId> AllowedLinks(FamilyId f) => f switch
    {
        FamilyId.Gaussian => [LinkId.Identity, LinkId.Log, LinkId.Inverse],
        FamilyId.Binomial => [LinkId.Logit, LinkId.Probit, LinkId.Cloglog, LinkId.Cauchit],
        FamilyId.Poisson => [LinkId.Log, LinkId.Sqrt, LinkId.Identity],
        FamilyId.Gamma => [LinkId.Log, LinkId.Inverse, LinkId.Identity],
        FamilyId.NegativeBinomial2 or FamilyId.NegativeBinomial1 or FamilyId.TruncatedPoisson
            or FamilyId.TruncatedNegativeBinomial2 or FamilyId.TruncatedNegativeBinomial1 => [LinkId.Log],
        FamilyId.Beta => [LinkId.Logit],
        FamilyId.Tweedie => [LinkId.Log],
        FamilyId.InverseGaussian => [LinkId.InverseSquare, LinkId.Inverse, LinkId.Identity, LinkId.Log],
        _ => [],
    };

    /// <summary>True for the negative binomial families, whose size k is a parameter of the fit.</summary>
    public bool IsNegativeBinomial => Family is FamilyId.NegativeBinomial2 or FamilyId.NegativeBinomial1
        or FamilyId.TruncatedNegativeBinomial2 or FamilyId.TruncatedNegativeBinomial1;

    /// <summary>True for the zero-truncated families (with a zero model: hurdle models).</summary>
    public bool IsTruncated => Family is FamilyId.TruncatedPoisson or FamilyId.TruncatedNegativeBinomial2 or FamilyId.TruncatedNegativeBinomial1;

    /// <summary>
    /// True for glmmTMB's families, fitted by their own CPU Laplace path with their dispersion estimated: the negative
    /// binomials, the truncated families and beta.
    /// </summary>
    public bool IsGlmmTmbFamily => IsNegativeBinomial || IsTruncated || Family is FamilyId.Beta or FamilyId.Tweedie;

    /// <summary>The family a truncated one truncates (the family itself otherwise).</summary>
    public FamilyId Untruncated => Family switch
    {
        FamilyId.TruncatedPoisson => FamilyId.Poisson,
        FamilyId.TruncatedNegativeBinomial2 => FamilyId.NegativeBinomial2,
        FamilyId.TruncatedNegativeBinomial1 => FamilyId.NegativeBinomial1,
        var f => f,
    };

    /// <summary>True for the Gaussian family with identity link.</summary>
    public bool IsLinearMixedModel => Family == FamilyId.Gaussian && Link == LinkId.Identity;

    /// <summary>
    /// True for the GLMM families lme4 fits with a scale (useSc): Gamma, inverse.gaussian, and gaussian with a link other than the
    /// identity. Their Laplace objective is R's family aic at φ̂ = Σd/n (n = Σw for Gamma and inverse.gaussian, the row count for gaussian)
    /// plus log det and ‖û‖², and σ = √(pwrss/n) scales VarCorr and vcov(β̂).
    /// </summary>
    public bool UsesLme4Scale => Family is FamilyId.Gamma or FamilyId.InverseGaussian || Family == FamilyId.Gaussian && Link != LinkId.Identity;

    /// <summary>
    /// Parses R-style family text: <c>binomial</c>, <c>binomial(link = "probit")</c>, <c>binomial(probit)</c>,
    /// <c>binomial probit</c>, <c>poisson</c>, <c>Gamma(log)</c>, <c>gaussian</c>, <c>nbinom2</c> (also
    /// <c>negative.binomial</c>, <c>glmer.nb</c>, <c>nb2</c>). Case-insensitive.
    /// </summary>
    public static FamilySpec Parse(string text)
    {
        var m = Regex.Match(text.Trim(),
            @"^(?<f>[A-Za-z][A-Za-z0-9._]*)\s*(\(\s*(link\s*=\s*)?[""']?(?<l>[A-Za-z]+|1/mu\^2)[""']?\s*\)|\s+(?<l2>[A-Za-z]+))?$");
        if (!m.Success)
            throw new UserInputException($"family '{text}' is not understood; use e.g. binomial, binomial(link = \"probit\"), poisson, Gamma(log), gaussian");
        var family = m.Groups["f"].Value.ToLowerInvariant() switch
        {
            "gaussian" or "normal" => FamilyId.Gaussian,
            "binomial" or "bernoulli" => FamilyId.Binomial,
            "poisson" => FamilyId.Poisson,
            "gamma" => FamilyId.Gamma,
            "nbinom2" or "negative.binomial" or "negativebinomial" or "glmer.nb" or "nb2" or "nb" => FamilyId.NegativeBinomial2,
            "nbinom1" or "nb1" => FamilyId.NegativeBinomial1,
            "truncated_poisson" or "truncated.poisson" => FamilyId.TruncatedPoisson,
            "truncated_nbinom2" or "truncated.nbinom2" => FamilyId.TruncatedNegativeBinomial2,
            "truncated_nbinom1" or "truncated.nbinom1" => FamilyId.TruncatedNegativeBinomial1,
            "beta" or "beta_family" => FamilyId.Beta,
            "tweedie" => FamilyId.Tweedie,
            "inverse.gaussian" or "inverse_gaussian" or "inversegaussian" => FamilyId.InverseGaussian,
            var f => throw new UserInputException($"unknown family '{f}' (supported: gaussian, binomial, poisson, Gamma, inverse.gaussian, nbinom2, nbinom1, truncated_poisson, truncated_nbinom2, truncated_nbinom1, beta, tweedie)"),
        };
        string linkText = m.Groups["l"].Success ? m.Groups["l"].Value : m.Groups["l2"].Value;
        var link = linkText.Length == 0 ? DefaultLink(family) : ParseLink(linkText);
        if (!AllowedLinks(family).Contains(link))
            throw new UserInputException(
                $"the {Name(family)} family does not support the {Name(link)} link (supported: {string.Join(", ", AllowedLinks(family).Select(Name))})");
        return new FamilySpec(family, link);
    }

    private static LinkId ParseLink(string s) => s.ToLowerInvariant() switch
    {
        "identity" => LinkId.Identity,
        "log" => LinkId.Log,
        "logit" => LinkId.Logit,
        "probit" => LinkId.Probit,
        "cloglog" => LinkId.Cloglog,
        "inverse" => LinkId.Inverse,
        "sqrt" => LinkId.Sqrt,
        "cauchit" => LinkId.Cauchit,
        "1/mu^2" => LinkId.InverseSquare,
        _ => throw new UserInputException($"unknown link '{s}' (supported: identity, log, logit, probit, cloglog, cauchit, inverse, sqrt, 1/mu^2)"),
    };

    /// <summary>R's name of a family (<c>Gamma</c> is capitalised, as in R).</summary>
    public static string Name(FamilyId f) => f switch
    {
        FamilyId.Gamma => "Gamma",
        FamilyId.NegativeBinomial2 => "nbinom2",
        FamilyId.NegativeBinomial1 => "nbinom1",
        FamilyId.TruncatedPoisson => "truncated_poisson",
        FamilyId.TruncatedNegativeBinomial2 => "truncated_nbinom2",
        FamilyId.TruncatedNegativeBinomial1 => "truncated_nbinom1",
        FamilyId.InverseGaussian => "inverse.gaussian",
        _ => f.ToString().ToLowerInvariant(),
    };

    /// <summary>R's name of a link.</summary>
    public static string Name(LinkId l) => l == LinkId.InverseSquare ? "1/mu^2" : l.ToString().ToLowerInvariant();

    /// <summary>R's rendering, e.g. <c>binomial(logit)</c>.</summary>
    public override string ToString() => $"{Name(Family)}({Name(Link)})";
}
