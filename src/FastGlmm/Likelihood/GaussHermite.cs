using System.Collections.Concurrent;

namespace FastGlmm.Likelihood;

/// <summary>
/// A normalized Gauss–Hermite rule for the standard normal: Σ_k w_k f(z_k) ≈ E[f(Z)], Z ~ N(0, 1),
/// exact for polynomials of degree ≤ 2K − 1. Nodes ascend; Σ w_k = 1. This is lme4's <c>GHrule(K)</c>
/// (z = √2·x, w = w_GH/√π) and MixedModels.jl's <c>GHnorm(K)</c>, symmetrised as they do.
/// </summary>
public sealed class GaussHermiteRule
{
    private static readonly ConcurrentDictionary<int, GaussHermiteRule> Cache = new();

    private GaussHermiteRule(double[] nodes, double[] weights)
    {
        Nodes = nodes;
        Weights = weights;
    }

    /// <summary>Nodes z_k, ascending, length K.</summary>
    public IReadOnlyList<double> Nodes { get; }

    /// <summary>Weights w_k, summing to 1, length K.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The number of nodes K.</summary>
    public int Count => Nodes.Count;

    /// <summary>
    /// The K-node rule (1 ≤ K ≤ 100), memoized. Computed by Golub–Welsch: the nodes are the eigenvalues
    /// of the symmetric tridiagonal Jacobi matrix of the probabilists' Hermite polynomials
    /// (zero diagonal, off-diagonal √1, …, √(K−1)) and the weights the squared first components of
    /// its normalized eigenvectors; then nodes and weights are symmetrised about 0.
    /// </summary>
    public static GaussHermiteRule Get(int k)
    {
        if (k < 1 || k > 100) throw new ArgumentOutOfRangeException(nameof(k), k, "Gauss–Hermite rules have 1 to 100 nodes");
        return Cache.GetOrAdd(k, Compute);
    }

    private static GaussHermiteRule Compute(int k)
    {
        var d = new double[k];
        var e = new double[k];
        for (int i = 1; i < k; i++) e[i - 1] = Math.Sqrt(i);
        var z = new double[k];
        z[0] = 1;
        TridiagonalQl(d, e, z);
        var idx = Enumerable.Range(0, k).OrderBy(i => d[i]).ToArray();
        var nodes = idx.Select(i => d[i]).ToArray();
        var weights = idx.Select(i => z[i] * z[i]).ToArray();
        for (int i = 0; i < k / 2; i++)
        {
            int j = k - 1 - i;
            double x = (nodes[j] - nodes[i]) / 2, w = (weights[i] + weights[j]) / 2;
            nodes[i] = -x; nodes[j] = x; weights[i] = w; weights[j] = w;
        }
        if (k % 2 == 1) nodes[k / 2] = 0;
        double sum = weights.Sum();
        for (int i = 0; i < k; i++) weights[i] /= sum;
        return new GaussHermiteRule(nodes, weights);
    }

    /// <summary>
    /// Implicit QL with Wilkinson shifts on a symmetric tridiagonal matrix (diagonal d, sub-diagonal
    /// e[0..n-2]). On exit d holds the eigenvalues and z the first row of the eigenvector matrix.
    /// </summary>
    private static void TridiagonalQl(double[] d, double[] e, double[] z)
    {
        int n = d.Length;
        for (int l = 0; l < n; l++)
        {
            for (int iter = 0; ; iter++)
            {
                int m;
                for (m = l; m < n - 1; m++)
                {
                    double dd = Math.Abs(d[m]) + Math.Abs(d[m + 1]);
                    if (Math.Abs(e[m]) <= 1e-16 * dd) break;
                }
                if (m == l) break;
                if (iter == 60) throw new InvalidOperationException("Gauss–Hermite eigenvalue iteration did not converge");
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Math.Sqrt(g * g + 1);
                g = d[m] - d[l] + e[l] / (g + Math.CopySign(r, g));
                double s = 1, c = 1, p = 0;
                int i;
                for (i = m - 1; i >= l; i--)
                {
                    double f = s * e[i], b = c * e[i];
                    r = Math.Sqrt(f * f + g * g);
                    e[i + 1] = r;
                    if (r == 0) { d[i + 1] -= p; e[m] = 0; break; }
                    s = f / r; c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    double zf = z[i + 1];
                    z[i + 1] = s * z[i] + c * zf;
                    z[i] = c * z[i] - s * zf;
                }
                if (r == 0 && i >= l) continue;
                d[l] -= p; e[l] = g; e[m] = 0;
            }
        }
    }
}
