using FastGlmm.Inference;

namespace FastGlmm.Cli.Printing;

/// <summary>
/// Prints lmerTest's F table as R's <c>print.anova</c> does (digits = 5): the heading, Sum Sq, Mean Sq, NumDF and DenDF
/// each zapsmall'ed and formatted to 5 significant digits, F value rounded to 4 decimals, Pr(&gt;F) by format.pval
/// with 4 digits, and significance stars.
/// </summary>
internal static class AnovaTableWriter
{
    private const int Digits = 5;

    /// <summary>Writes the table; <paramref name="heading"/> is e.g. "Type III Analysis of Variance Table with Satterthwaite's method".</summary>
    public static void Write(TextWriter o, string heading, IReadOnlyList<FTestRow> rows)
    {
        o.WriteLine(heading);
        string[] Column(Func<FTestRow, double> f) => Blank(RFormat.Format(RFormat.ZapSmall([.. rows.Select(f)], Digits), Digits), rows, f);
        var sumSq = Column(r => r.SumSq);
        var meanSq = Column(r => r.MeanSq);
        var numDf = Column(r => r.NumDf == 0 ? double.NaN : r.NumDf);
        var denDf = Column(r => r.DenDf);
        var f = Blank(RFormat.Format([.. rows.Select(r => RFormat.Round(r.F, Digits - 1))], Digits), rows, r => r.F);
        var pv = rows.Select(r => r.P).ToArray();
        var pText = Blank(RFormat.FormatPValues(pv, Digits - 1), rows, r => r.P);
        bool stars = pv.Any(v => v < 0.1);
        var headers = new List<string> { "Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)" };
        if (stars) headers.Add("");
        var table = rows.Select((r, i) =>
        {
            var cells = new List<string> { sumSq[i], meanSq[i], numDf[i], denDf[i], f[i], pText[i] };
            if (stars) cells.Add(CoefficientTable.Stars(r.P).PadRight(3));
            return cells;
        }).ToList();
        TextMatrix.Write(o, [.. rows.Select(r => r.Term)], headers, table, right: true);
        if (stars)
        {
            o.WriteLine("---");
            o.WriteLine(CoefficientTable.StarsLegend);
        }
    }

    /// <summary>R prints NA cells of an anova table as blanks.</summary>
    private static string[] Blank(string[] text, IReadOnlyList<FTestRow> rows, Func<FTestRow, double> f) =>
        [.. text.Select((t, i) => double.IsNaN(f(rows[i])) ? "" : t)];
}
