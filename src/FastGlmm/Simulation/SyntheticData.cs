using FastGlmm.Data;
using FastGlmm.Rng;

namespace FastGlmm.Simulation;

/// <summary>The response distribution of a synthetic data set.</summary>
public enum SyntheticResponse
{
    /// <summary>y ~ Bernoulli(logistic(η)).</summary>
    Binary,
    /// <summary>y ~ Poisson(exp(η)).</summary>
    Poisson,
    /// <summary>y = η + ε, ε ~ N(0, σ²).</summary>
    Gaussian,
}

/// <summary>
/// Seeded synthetic mixed-model data held in memory (no CSV): N rows spread evenly over G clusters
/// g1..gG, x ~ N(0, 1), and η = β₀ + β₁x + b₀[g] + b₁[g]x with b₀ ~ N(0, σ₀²), b₁ ~ N(0, σ₁²)
/// (σ₁ = 0 gives a random intercept only). Every draw is a Philox counter keyed by (seed, stream),
/// so the data are identical on every machine.
/// </summary>
public static class SyntheticData
{
    /// <summary>Generates the table with columns y, x and g (a factor).</summary>
    public static DataTable Generate(int rows, int clusters, SyntheticResponse response, ulong seed,
        double beta0 = -0.5, double beta1 = 1.0, double sdIntercept = 1.0, double sdSlope = 0.0, double sigma = 1.0)
    {
        if (rows < 1 || clusters < 1 || clusters > rows) throw new ArgumentOutOfRangeException(nameof(clusters), "need 1 ≤ clusters ≤ rows");
        var xs = new PhiloxStream(seed, 1);
        var es = new PhiloxStream(seed, 2);
        var ys = new PhiloxStream(seed, 3);
        var bs = new PhiloxStream(seed, 4);
        var b0 = new double[clusters];
        var b1 = new double[clusters];
        for (int g = 0; g < clusters; g++)
        {
            b0[g] = sdIntercept * bs.Normal((ulong)(2 * g));
            b1[g] = sdSlope * bs.Normal((ulong)(2 * g + 1));
        }
        var y = new double[rows];
        var x = new double[rows];
        var codes = new int[rows];
        Parallel.For(0, rows, i =>
        {
            int g = (int)((long)i * clusters / rows);
            codes[i] = g;
            double xi = xs.Normal((ulong)i);
            x[i] = xi;
            double eta = beta0 + beta1 * xi + b0[g] + b1[g] * xi;
            y[i] = response switch
            {
                SyntheticResponse.Binary => ys.Uniform((ulong)i) < 1 / (1 + Math.Exp(-eta)) ? 1 : 0,
                SyntheticResponse.Poisson => ys.Poisson(Math.Exp(eta), (ulong)i),
                _ => eta + sigma * es.Normal((ulong)i),
            };
        });
        var levels = new string[clusters];
        for (int g = 0; g < clusters; g++) levels[g] = "g" + (g + 1);
        return new DataTable([new NumericColumn("y", y), new NumericColumn("x", x), new FactorColumn("g", codes, levels)], "synthetic");
    }
}
