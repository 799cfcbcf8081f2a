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
        var model = new SyntheticModel(rows, clusters, response, seed, beta0, beta1, sdIntercept, sdSlope, sigma);
        var y = new double[rows];
        var x = new double[rows];
        var codes = new int[rows];
        Parallel.For(0, rows, i => (y[i], x[i], codes[i]) = model.Row(i));
        var levels = new string[clusters];
        for (int g = 0; g < clusters; g++) levels[g] = SyntheticModel.Level(g);
        return new DataTable([new NumericColumn("y", y), new NumericColumn("x", x), new FactorColumn("g", codes, levels)], "synthetic");
    }
}

/// <summary>
/// The model behind <see cref="SyntheticData"/>, row by row: the cluster effects are drawn once (G pairs), and row i's
/// (y, x, g) is a pure function of (seed, i), so rows can be produced in any order, in parallel or streamed to a file,
/// always with the same values.
/// </summary>
public sealed class SyntheticModel
{
    private readonly PhiloxStream _xs, _es, _ys, _hs;
    private readonly double[] _b0, _b1, _bh;
    private readonly SyntheticResponse _response;
    private readonly double _beta0, _beta1, _sigma;

    /// <summary>Draws the cluster effects b₀[g] ~ N(0, σ₀²) and b₁[g] ~ N(0, σ₁²).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 1 ≤ clusters ≤ rows.</exception>
    /// <param name="rows">Rows N.</param>
    /// <param name="clusters">Clusters G of the factor g (⌊iG/N⌋ for row i).</param>
    /// <param name="response">The response distribution.</param>
    /// <param name="seed">The Philox key.</param>
    /// <param name="beta0">β₀.</param>
    /// <param name="beta1">β₁, the slope of x.</param>
    /// <param name="sdIntercept">σ₀, the SD of b₀.</param>
    /// <param name="sdSlope">σ₁, the SD of b₁ (0: a random intercept only).</param>
    /// <param name="sigma">The residual SD of a gaussian response.</param>
    /// <param name="items">Levels of a second, crossed grouping factor h (0: none): row i's item is drawn uniformly,
    /// and η gains its effect b_h[item] ~ N(0, <paramref name="sdItem"/>²).</param>
    /// <param name="sdItem">SD of the item effects.</param>
    public SyntheticModel(int rows, int clusters, SyntheticResponse response, ulong seed,
        double beta0 = -0.5, double beta1 = 1.0, double sdIntercept = 1.0, double sdSlope = 0.0, double sigma = 1.0,
        int items = 0, double sdItem = 0.5)
    {
        if (rows < 1 || clusters < 1 || clusters > rows) throw new ArgumentOutOfRangeException(nameof(clusters), "need 1 ≤ clusters ≤ rows");
        if (items < 0 || items > rows) throw new ArgumentOutOfRangeException(nameof(items), "need 0 ≤ items ≤ rows");
        Rows = rows; Clusters = clusters; Items = items;
        _response = response; _beta0 = beta0; _beta1 = beta1; _sigma = sigma;
        _xs = new PhiloxStream(seed, 1);
        _es = new PhiloxStream(seed, 2);
        _ys = new PhiloxStream(seed, 3);
        _hs = new PhiloxStream(seed, 5);
        _bh = new double[items];
        var bhs = new PhiloxStream(seed, 6);
        for (int h = 0; h < items; h++) _bh[h] = sdItem * bhs.Normal((ulong)h);
        var bs = new PhiloxStream(seed, 4);
        _b0 = new double[clusters];
        _b1 = new double[clusters];
        for (int g = 0; g < clusters; g++)
        {
            _b0[g] = sdIntercept * bs.Normal((ulong)(2 * g));
            _b1[g] = sdSlope * bs.Normal((ulong)(2 * g + 1));
        }
    }

    /// <summary>Rows N.</summary>
    public int Rows { get; }

    /// <summary>Clusters G.</summary>
    public int Clusters { get; }

    /// <summary>Levels of the crossed item factor h (0 when there is none).</summary>
    public int Items { get; }

    /// <summary>Row i's item (0-based; −1 without items), uniform over the items.</summary>
    public int Item(int i) => Items == 0 ? -1 : (int)Math.Min(Items - 1, (long)(_hs.Uniform((ulong)i) * Items));

    /// <summary>The label of cluster g (0-based): "g1" … "gG".</summary>
    public static string Level(int g) => "g" + (g + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Row i: its cluster g = ⌊iG/N⌋ (clusters of equal size, in order), x ~ N(0, 1),
    /// η = β₀ + β₁x + b₀[g] + b₁[g]x, and y drawn from the response distribution.
    /// </summary>
    public (double Y, double X, int Cluster) Row(int i)
    {
        int g = (int)((long)i * Clusters / Rows);
        double xi = _xs.Normal((ulong)i);
        double eta = _beta0 + _beta1 * xi + _b0[g] + _b1[g] * xi;
        if (Items > 0) eta += _bh[Item(i)];
        double y = _response switch
        {
            SyntheticResponse.Binary => _ys.Uniform((ulong)i) < 1 / (1 + Math.Exp(-eta)) ? 1 : 0,
            SyntheticResponse.Poisson => _ys.Poisson(Math.Exp(eta), (ulong)i),
            _ => eta + _sigma * _es.Normal((ulong)i),
        };
        return (y, xi, g);
    }
}
