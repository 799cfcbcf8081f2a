namespace FastGlmm.Cli.Printing;

/// <summary>
/// R's <c>printCoefmat(coefs, digits = 4)</c> as lme4's summary calls it: estimates and standard errors
/// rounded together and formatted in one width, test statistics to <c>digits − 1</c> decimals, p-values by
/// <c>format.pval</c>, significance stars and their legend.
/// </summary>
internal static class CoefficientTable
{
    /// <summary>The legend printed under a table that shows stars.</summary>
    public const string StarsLegend = "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1";

    /// <summary>
    /// Prints the table. <paramref name="pValues"/> null gives the three-column lmer table
    /// (Estimate, Std. Error, t value); otherwise a fourth column <c>Pr(&gt;|z|)</c> with stars. With
    /// <paramref name="df"/> (lmerTest's table) a "df" column follows the standard errors, formatted with them.
    /// </summary>
    public static void Write(TextWriter o, IReadOnlyList<string> names, double[] estimate, double[] se,
        string statName, double[] stat, string? pName, double[]? pValues, int digits = 4, double[]? df = null)
    {
        int p = names.Count;
        int digTst = Math.Max(1, Math.Min(5, digits - 1));
        // Estimates, SEs (and df): rounded to max(1, digits − digmin) decimals, digmin = 1 + floor(log10(min |x|)).
        var cs = estimate.Concat(se).Concat(df ?? []).ToArray();
        var acs = cs.Where(double.IsFinite).Select(Math.Abs).ToArray();
        string[] csText;
        if (acs.Length > 0)
        {
            var nz = acs.Where(a => a != 0).ToArray();
            int digmin = 1 + (nz.Length > 0 ? (int)Math.Floor(Math.Log10(nz.Min())) : 0);
            int dec = Math.Max(1, digits - digmin);
            csText = RFormat.Format(cs.Select(v => RFormat.Round(v, dec)).ToArray(), digits);
        }
        else csText = RFormat.Format(cs, digits);
        // A nonzero value that rounds to a printed zero is reformatted with digits − 1 significant digits.
        var zeroed = Enumerable.Range(0, cs.Length)
            .Where(i => double.IsFinite(cs[i]) && cs[i] != 0 && double.TryParse(csText[i], System.Globalization.CultureInfo.InvariantCulture, out var v) && v == 0)
            .ToArray();
        if (zeroed.Length > 0)
        {
            var f = RFormat.Format(zeroed.Select(i => cs[i]).ToArray(), Math.Max(1, digits - 1));
            for (int k = 0; k < zeroed.Length; k++) csText[zeroed[k]] = f[k];
        }
        var statText = RFormat.Format(stat.Select(v => RFormat.Round(v, digTst)).ToArray(), digits);

        var headers = new List<string> { "Estimate", "Std. Error" };
        if (df is not null) headers.Add("df");
        headers.Add(statName);
        var rows = Enumerable.Range(0, p).Select(i => df is null
            ? new List<string> { csText[i], csText[p + i], statText[i] }
            : new List<string> { csText[i], csText[p + i], csText[2 * p + i], statText[i] }).ToList();
        bool stars = false;
        if (pValues is not null)
        {
            headers.Add(pName ?? "Pr(>|z|)");
            var pText = RFormat.FormatPValues(pValues, digTst);
            for (int i = 0; i < p; i++) rows[i].Add(pText[i]);
            stars = pValues.Any(v => v < 0.1);
            if (stars)
            {
                headers.Add("");
                for (int i = 0; i < p; i++) rows[i].Add(Stars(pValues[i]).PadRight(3));
            }
        }
        TextMatrix.Write(o, names, headers, rows, right: true);
        if (stars)
        {
            o.WriteLine("---");
            o.WriteLine(StarsLegend);
        }
    }

    /// <summary>symnum's stars: *** for p ≤ 0.001, ** ≤ 0.01, * ≤ 0.05, . ≤ 0.1, else a blank.</summary>
    public static string Stars(double p) => double.IsNaN(p) ? "" : p switch
    {
        <= 0.001 => "***",
        <= 0.01 => "**",
        <= 0.05 => "*",
        <= 0.1 => ".",
        _ => " ",
    };
}
