using FastGlmm.Model;

namespace FastGlmm.Tests.Model;

public class OrderStatisticsTests
{
    /// <summary>R 4.2.2: quantile(c(1, 2, 3, 4, 10), c(0, .25, .5, .9, 1)) = 1, 2, 3, 7.6, 10.</summary>
    [Fact]
    public void MatchesRsTypeSeven()
    {
        var q = OrderStatistics.QuantilesInPlace(new double[] { 10, 3, 1, 4, 2 }, [0, 0.25, 0.5, 0.9, 1]);
        Assert.Equal([1, 2, 3, 7.6, 10], q, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    /// <summary>Selection equals interpolation on a sorted copy, with ties, NaNs, sorted and reversed inputs.</summary>
    [Fact]
    public void EqualsSortingOnRandomInputs()
    {
        var rng = new Random(20261203);
        double[] probs = [0, 0.01, 0.25, 0.5, 0.5, 0.75, 0.99, 1];
        for (int trial = 0; trial < 400; trial++)
        {
            int n = trial % 5 == 0 ? rng.Next(1, 5) : rng.Next(1, 5000);
            int distinct = rng.Next(1, 2 * n + 2);
            var x = Enumerable.Range(0, n).Select(_ => rng.Next(distinct) - distinct / 2.0).ToArray();
            if (trial % 7 == 0) Array.Sort(x);
            if (trial % 11 == 0) { Array.Sort(x); Array.Reverse(x); }
            if (trial % 3 == 0) x[rng.Next(n)] = double.NaN;
            var s = x.Where(v => !double.IsNaN(v)).Order().ToArray();
            var got = OrderStatistics.QuantilesInPlace((double[])x.Clone(), probs);
            for (int j = 0; j < probs.Length; j++)
            {
                if (s.Length == 0) { Assert.True(double.IsNaN(got[j])); continue; }
                double h = (s.Length - 1) * probs[j];
                int lo = (int)Math.Floor(h), hi = Math.Min(lo + 1, s.Length - 1);
                Assert.Equal(s[lo] + (h - lo) * (s[hi] - s[lo]), got[j]);
            }
        }
    }
}
