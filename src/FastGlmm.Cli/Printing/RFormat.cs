using FastGlmm.Model;
using System.Globalization;

namespace FastGlmm.Cli.Printing;

/// <summary>
/// R's number formatting as print methods use it: <c>format(x, digits, nsmall)</c> (formatReal: one
/// common width and number of decimals for the vector, fixed notation unless scientific is narrower),
/// <c>format.pval</c>, <c>zapsmall</c>, <c>round</c> and <c>quantile(type = 7)</c>.
/// </summary>
internal static class RFormat
{
    /// <summary>R's .Machine$double.eps, format.pval's default eps.</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// <c>format(x, digits = digits, nsmall = nsmall)</c>: enough decimals that every element shows
    /// <paramref name="digits"/> significant digits (trailing zeros dropped), in one common width, right-justified;
    /// scientific notation when it is narrower. NaN, Inf and -Inf print as R prints them.
    /// </summary>
    public static string[] Format(IReadOnlyList<double> x, int digits = 7, int nsmall = 0) => Format(x, digits, nsmall, scientific: true);

    /// <summary>
    /// <c>format(x, trim = TRUE, scientific = FALSE, digits = digits)</c>: as <see cref="Format(IReadOnlyList{double}, int, int)"/>,
    /// always in fixed notation and without padding.
    /// </summary>
    public static string[] FormatFixedTrimmed(IReadOnlyList<double> x, int digits) =>
        Format(x, digits, 0, scientific: false).Select(s => s.Trim()).ToArray();

    private static string[] Format(IReadOnlyList<double> x, int digits, int nsmall, bool scientific)
    {
        digits = Math.Clamp(digits, 1, 22);
        bool any = false, neg = false;
        int rgt = int.MinValue, mxsl = int.MinValue, mxl = int.MinValue, mnl = int.MaxValue, mxns = int.MinValue;
        int width = 0;
        foreach (double v in x)
        {
            if (!double.IsFinite(v))
            {
                width = Math.Max(width, double.IsNegativeInfinity(v) ? 4 : 3);
                continue;
            }
            any = true;
            var (negI, kpower, nsig, widens) = Scientific(v, digits);
            int left = kpower + 1 - (widens ? 1 : 0);
            int sleft = (negI ? 1 : 0) + (left <= 0 ? 1 : left);
            int right = nsig - left;
            neg |= negI;
            rgt = Math.Max(rgt, right);
            mxl = Math.Max(mxl, left);
            mnl = Math.Min(mnl, left);
            mxsl = Math.Max(mxsl, sleft);
            mxns = Math.Max(mxns, nsig);
        }
        bool sci = false;
        int dec = 0, expDigits = 2;
        if (any)
        {
            if (mxl < 0) mxsl = 1 + (neg ? 1 : 0);
            if (rgt < 0) rgt = 0;
            int wF = mxsl + rgt + (rgt != 0 ? 1 : 0);
            int e = mxl > 100 || mnl <= -99 ? 2 : 1;
            int d = mxns - 1;
            int wE = (neg ? 1 : 0) + (d > 0 ? 1 : 0) + d + 4 + e;
            if (wF <= wE || !scientific)
            {
                if (nsmall > rgt) rgt = nsmall;
                dec = rgt;
                width = Math.Max(width, mxsl + rgt + (rgt != 0 ? 1 : 0));
            }
            else
            {
                sci = true;
                dec = d;
                expDigits = e + 1;
                width = Math.Max(width, wE);
            }
        }
        var result = new string[x.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = Encode(x[i], sci, dec, expDigits).PadLeft(width);
        return result;
    }

    /// <summary>One number as <c>format(v, digits = digits)</c>.</summary>
    public static string Format(double v, int digits = 7) => Format([v], digits)[0];

    private static string Encode(double v, bool sci, int dec, int expDigits)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        if (v == 0) v = 0.0; // R drops the sign of a negative zero
        if (!sci) return v.ToString("F" + dec, Inv);
        string s = v.ToString("E" + dec, Inv); // exact: -d.ddE+ddd
        int ePos = s.IndexOf('E');
        int e10 = int.Parse(s[(ePos + 1)..], NumberStyles.AllowLeadingSign, Inv);
        return s[..ePos] + (e10 < 0 ? "e-" : "e+") + Math.Abs(e10).ToString(Inv).PadLeft(expDigits, '0');
    }

    /// <summary>
    /// R's scientific(): the sign, the decimal exponent after rounding to <paramref name="digits"/> significant
    /// digits, the number of those digits left once trailing zeros are dropped, and whether rounding raised the exponent.
    /// </summary>
    private static (bool Neg, int KPower, int NSig, bool Widens) Scientific(double v, int digits)
    {
        if (v == 0) return (false, 0, 1, false);
        double r = Math.Abs(v);
        string s = r.ToString("E" + (digits - 1), Inv); // d.ddddE+ddd
        int ePos = s.IndexOf('E');
        string mant = s[..ePos].Replace(".", "", StringComparison.Ordinal);
        int kp = int.Parse(s[(ePos + 1)..], NumberStyles.AllowLeadingSign, Inv);
        int nsig = digits;
        for (int j = mant.Length - 1; j > 0 && mant[j] == '0'; j--) nsig--;
        bool widens = kp > 0 && kp <= 22 && r < Math.Pow(10, kp);
        return (v < 0, kp, nsig, widens);
    }

    /// <summary>R's <c>round(x, digits)</c> (half to even on the decimal representation, as R ≥ 4.0 nearly always gives).</summary>
    public static double Round(double x, int digits)
    {
        if (!double.IsFinite(x)) return x;
        if (digits > 15) return x;
        if (digits >= 0) return Math.Round(x, digits, MidpointRounding.ToEven);
        double p = Math.Pow(10, -digits);
        return Math.Round(x / p, MidpointRounding.ToEven) * p;
    }

    /// <summary>
    /// R 4.2's <c>zapsmall(x, digits)</c>: <c>round(x, max(0, digits − log10(max|x|)))</c>, where round takes the nearest
    /// whole number of decimals (R's fround: ⌊d + ½⌋).
    /// </summary>
    public static double[] ZapSmall(IReadOnlyList<double> x, int digits)
    {
        double mx = x.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        int d = mx > 0 ? (int)Math.Floor(Math.Max(0, digits - Math.Log10(mx)) + 0.5) : digits;
        return x.Select(v => Round(v, d)).ToArray();
    }

    /// <summary>
    /// R's <c>format.pval(pv, digits)</c>: fixed notation down to 1e-4 (1e-3 when digits = 1), scientific below,
    /// and "&lt; 2e-16"-style text under <paramref name="eps"/>. NaN prints as "NaN".
    /// </summary>
    public static string[] FormatPValues(IReadOnlyList<double> pv, int digits, double eps = MachineEpsilon)
    {
        var r = new string[pv.Count];
        var fix = new List<int>();
        var exp = new List<int>();
        var zero = new List<int>();
        for (int i = 0; i < pv.Count; i++)
        {
            double p = pv[i];
            if (double.IsNaN(p)) r[i] = "NaN";
            else if (p < eps) zero.Add(i);
            else
            {
                int expo = (int)Math.Floor(Math.Log10(p > 0 ? p : 1e-50));
                (expo >= -3 || (expo == -4 && digits > 1) ? fix : exp).Add(i);
            }
        }
        void Fill(List<int> idx)
        {
            if (idx.Count == 0) return;
            var f = Format(idx.Select(i => pv[i]).ToArray(), digits);
            for (int k = 0; k < idx.Count; k++) r[idx[k]] = f[k];
        }
        Fill(fix);
        Fill(exp);
        if (zero.Count > 0)
        {
            int d = Math.Max(1, digits - 2);
            string sep;
            if (fix.Count + exp.Count > 0)
            {
                int nc = fix.Concat(exp).Max(i => r[i].Length);
                if (d > 1 && d + 6 > nc) d = Math.Max(1, nc - 7);
                sep = d == 1 && nc <= 6 ? "" : " ";
            }
            else sep = d == 1 ? "" : " ";
            string text = "<" + sep + Format(eps, d);
            foreach (int i in zero) r[i] = text;
        }
        return r;
    }

    /// <summary>R's <c>quantile(x, probs, type = 7)</c>, ignoring NaN.</summary>
    public static double[] Quantiles(IEnumerable<double> x, params double[] probs) =>
        OrderStatistics.QuantilesInPlace(x.ToArray(), probs);
}
