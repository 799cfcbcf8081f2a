using FastGlmm.Model;

namespace FastGlmm.Cli.Printing;

/// <summary>
/// lme4's <c>formatVC</c> table: Groups, Name, Variance, Std.Dev. (each column formatted in one width to
/// <c>digits</c> significant digits) and, when a term has several columns, the lower triangle of its
/// correlations under "Corr" (rounded to 2 decimals); the residual row last. A structured term prints as glmmTMB prints
/// it: diag without correlations, cs and ar1 with their one ρ and the structure's name, as <c>0.21 (cs)</c>.
/// </summary>
internal static class RandomEffectsTable
{
    private sealed record Term(string Group, List<string> Names, List<double> Variances, List<double> Sds, Dictionary<(string, string), double> Cor);

    /// <summary>Writes the table from lme4-ordered VarCorr rows (per term its variances, then its covariances; Residual last).</summary>
    public static void Write(TextWriter o, IReadOnlyList<VarCorrEntry> varCorr, int digits,
        IReadOnlyList<CovarianceStructureReport>? structures = null)
    {
        var structured = (structures ?? []).ToDictionary(s => s.Group, StringComparer.Ordinal);
        var terms = new List<Term>();
        foreach (var e in varCorr)
        {
            var t = terms.Find(x => x.Group == e.Group);
            if (t is null) terms.Add(t = new Term(e.Group, [], [], [], []));
            if (e.Var2 is null)
            {
                t.Names.Add(e.Var1 ?? "");
                t.Variances.Add(e.Variance);
                t.Sds.Add(e.SdOrCorrelation);
            }
            else t.Cor[(e.Var1 ?? "", e.Var2)] = e.SdOrCorrelation;
        }
        var variance = RFormat.Format(terms.SelectMany(t => t.Variances).ToArray(), digits);
        var sd = RFormat.Format(terms.SelectMany(t => t.Sds).ToArray(), digits);
        int Width(Term t) => structured.TryGetValue(t.Group, out var st) ? (st.Rho is null ? 1 : 2) : t.Names.Count;
        int maxLen = terms.Select(Width).DefaultIfEmpty(0).Max();
        int corCols = Math.Max(0, maxLen - 1);
        var headers = new List<string> { "Groups", "Name", "Variance", "Std.Dev." };
        if (corCols > 0) headers.AddRange(Enumerable.Range(0, corCols).Select(j => j == 0 ? "Corr" : ""));
        var rows = new List<IReadOnlyList<string>>();
        int k = 0;
        foreach (var t in terms)
        {
            structured.TryGetValue(t.Group, out var st);
            var cor = corCols > 0 && st is null ? CorrelationText(t, Math.Max(2, digits - 2)) : null;
            int dig = Math.Max(2, digits - 2);
            for (int i = 0; i < t.Names.Count; i++, k++)
            {
                var row = new List<string> { i == 0 ? t.Group : "", t.Names[i], variance[k], sd[k] };
                for (int j = 0; j < corCols; j++)
                    row.Add(st is not null ? (i == 0 && j == 0 && st.Rho is { } rho
                            ? $"{RFormat.Format([RFormat.Round(rho, dig)], 7, nsmall: dig)[0]} ({st.Structure})" : "")
                        : j < i && cor is not null ? cor[i, j] : "");
                rows.Add(row);
            }
        }
        TextMatrix.Write(o, rows.Select(_ => "").ToArray(), headers, rows, right: false);
    }

    /// <summary><c>format(round(C, dig), nsmall = dig)</c> over the term's whole correlation matrix.</summary>
    private static string[,] CorrelationText(Term t, int dig)
    {
        int q = t.Names.Count;
        var c = new double[q * q];
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++)
                c[i * q + j] = i == j ? 1.0
                    : RFormat.Round(t.Cor.TryGetValue((t.Names[i], t.Names[j]), out var v) || t.Cor.TryGetValue((t.Names[j], t.Names[i]), out v) ? v : double.NaN, dig);
        var f = RFormat.Format(c, 7, nsmall: dig);
        var r = new string[q, q];
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++) r[i, j] = f[i * q + j];
        return r;
    }
}
