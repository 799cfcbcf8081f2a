namespace FastGlmm.Model;

/// <summary>
/// Sample quantiles without sorting: R's default <c>quantile(x, probs)</c> (type 7), Q(p) = x₍ₗ₎ + (h − l)(x₍ₗ₊₁₎ − x₍ₗ₎)
/// with h = (n − 1)p, l = ⌊h⌋ and x₍ₖ₎ the k-th smallest (0-based), NaNs left out. The order statistics are found by
/// selection (expected O(n) per distinct order statistic, each search confined to the part right of the last), so
/// 10⁸ values need no sorted copy.
/// </summary>
public static class OrderStatistics
{
    /// <summary>The type-7 quantiles at <paramref name="probs"/> (each in [0, 1]); reorders <paramref name="values"/> in place.</summary>
    public static double[] QuantilesInPlace(Span<double> values, ReadOnlySpan<double> probs)
    {
        int n = 0;
        for (int i = 0; i < values.Length; i++) if (!double.IsNaN(values[i])) values[n++] = values[i];
        var x = values[..n];
        var result = new double[probs.Length];
        if (n == 0) { result.AsSpan().Fill(double.NaN); return result; }
        var ks = new SortedSet<int>();
        foreach (var p in probs)
        {
            int l = (int)Math.Floor((n - 1) * p);
            ks.Add(l);
            ks.Add(Math.Min(l + 1, n - 1));
        }
        var at = new Dictionary<int, double>();
        int from = 0;
        foreach (int k in ks)
        {
            Select(x, from, n - 1, k);
            at[k] = x[k];
            from = k + 1; // everything left of k is ≤ x[k], everything right is ≥ it
        }
        for (int j = 0; j < probs.Length; j++)
        {
            double h = (n - 1) * probs[j];
            int lo = (int)Math.Floor(h), hi = Math.Min(lo + 1, n - 1);
            result[j] = at[lo] + (h - lo) * (at[hi] - at[lo]);
        }
        return result;
    }

    /// <summary>
    /// Puts the k-th smallest of x[lo..hi] at x[k], smaller-or-equal values left of it and greater-or-equal right
    /// (Hoare partitions about a median of three; the range is sorted once it is small or the partitions stop
    /// shrinking, so the worst case stays O(n log n)).
    /// </summary>
    private static void Select(Span<double> x, int lo, int hi, int k)
    {
        int budget = 2 * (int)Math.Log2(Math.Max(2, hi - lo + 1)) + 8;
        while (hi > lo)
        {
            if (hi - lo < 32 || budget-- == 0) { x[lo..(hi + 1)].Sort(); return; }
            int mid = lo + (hi - lo) / 2;
            if (x[mid] < x[lo]) (x[mid], x[lo]) = (x[lo], x[mid]);
            if (x[hi] < x[lo]) (x[hi], x[lo]) = (x[lo], x[hi]);
            if (x[hi] < x[mid]) (x[hi], x[mid]) = (x[mid], x[hi]);
            double pivot = x[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (x[i] < pivot) i++;
                while (x[j] > pivot) j--;
                if (i <= j) { (x[i], x[j]) = (x[j], x[i]); i++; j--; }
            }
            // Now x[lo..j] ≤ pivot ≤ x[i..hi], and x[j+1..i−1] = pivot.
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return;
        }
    }
}
