using FastGlmm.Backends;
using FastGlmm.Data.Frame;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// Adaptive Gauss–Hermite quadrature for −2 log L of a GLMM whose blocks are each one cluster of a
/// single grouping factor (every random-effects term on the same factor), with m = Σ q_t ≤ 3 random
/// effects per cluster. Per block, with û the conditional mode, A = Λ'Z'WZΛ + I = LL' at û and
/// devc(u) = Σ d_i(u) + ‖u‖²:
/// −2 log L_b = c_b + devc(û) + log det A − 2 log Σ_k w_k exp(−½[devc(û + L⁻ᵀz_k) − devc(û)] + ½‖z_k‖²),
/// over the K^m-node product of the normalized K-node Gauss–Hermite rule (c_b the normalizing constant,
/// so the result is on the same, fully normalized scale as the Laplace value, which is K = 1).
/// lme4 computes the same sum without c_b and refuses m &gt; 1; MixedModels.jl likewise.
/// Nested scalar terms ((1 | a/b), (1 | a/b/c)) are integrated level by level instead (<see cref="NestedQuadrature"/>,
/// on the host after the backend's PIRLS), which lme4, glmmTMB and MixedModels.jl do not offer.
/// </summary>
public sealed class AgqDeviance
{
    private readonly IGlmmBackend _backend;
    private readonly double[] _nodes, _logWeights, _ld, _ll, _logM, _sat;
    private readonly NestedQuadrature? _nested;
    private readonly double[]? _modes;

    /// <summary>Prepares K-node AGQ on the backend <paramref name="backend"/> makes (the CPU by default); errors when the design does not allow AGQ.</summary>
    public AgqDeviance(ModelFrame frame, int nodesPerDimension, GlmmBackendFactory? backend = null)
        : this((backend ?? GlmmBackends.Cpu)(new GlmmProblem(Checked(frame))), nodesPerDimension) { }

    private static ModelFrame Checked(ModelFrame frame)
    {
        CheckApplicable(frame);
        return frame;
    }

    /// <summary>Prepares K-node AGQ on a given backend.</summary>
    public AgqDeviance(IGlmmBackend backend, int nodesPerDimension)
    {
        _backend = backend;
        var frame = backend.Problem.Frame;
        int m = CheckApplicable(frame);
        int nb = backend.Problem.BlockCount;
        if (IsNested(frame))
        {
            _nested = new NestedQuadrature(backend.Problem, nodesPerDimension);
            _modes = new double[backend.Problem.TotalRandomEffects];
            (_nodes, _logWeights) = ([], []);
        }
        else (_nodes, _logWeights) = ProductRule(GaussHermiteRule.Get(nodesPerDimension), m);
        _ld = new double[nb]; _ll = new double[nb]; _logM = new double[nb]; _sat = new double[nb];
        backend.SaturatedConstants(_sat);
    }

    /// <summary>The θ layout used.</summary>
    public ThetaLayout Layout => _backend.Problem.Layout;

    /// <summary>The backend (after an evaluation it holds the conditional modes at that point).</summary>
    public IGlmmBackend Backend => _backend;

    /// <summary>True when the random effects use several grouping factors (which AGQ integrates only when they are nested).</summary>
    public static bool IsNested(ModelFrame frame) => frame.RandomTerms.Select(t => t.Group).Distinct().Count() > 1;

    /// <summary>
    /// Returns m (random effects per cluster) when every term shares one grouping factor and m ≤ 3, or 1 when the terms
    /// are nested scalars (<see cref="NestedHierarchy.CheckedTermOrder"/>; one dimension per level); otherwise throws a
    /// <see cref="UserInputException"/> saying why AGQ cannot apply.
    /// </summary>
    public static int CheckApplicable(ModelFrame frame)
    {
        var groups = frame.RandomTerms.Select(t => t.Group).Distinct().ToList();
        if (frame.Family.UsesLme4Scale)
            throw new UserInputException($"nAGQ > 1 is not available for the {frame.Family} family (lme4's families with a scale); use the Laplace approximation (nAGQ = 1)");
        if (groups.Count != 1)
        {
            NestedHierarchy.CheckedTermOrder(frame);
            return 1;
        }
        int m = frame.RandomTerms.Sum(t => t.ColumnCount);
        if (m > 3)
            throw new UserInputException($"nAGQ > 1 supports up to 3 random effects per cluster; this model has {m} per level of {groups[0]}");
        return m;
    }

    /// <summary>The K^m-point product rule: nodes (row-major, m per node) and log-weights.</summary>
    public static (double[] Nodes, double[] LogWeights) ProductRule(GaussHermiteRule rule, int m)
    {
        int k = rule.Count, count = (int)Math.Pow(k, m);
        var nodes = new double[count * m];
        var lw = new double[count];
        for (int idx = 0; idx < count; idx++)
        {
            int r = idx;
            double l = 0;
            for (int d = 0; d < m; d++)
            {
                int j = r % k;
                r /= k;
                nodes[idx * m + d] = rule.Nodes[j];
                l += Math.Log(rule.Weights[j]);
            }
            lw[idx] = l;
        }
        return (nodes, lw);
    }

    /// <summary>−2 log L by AGQ at (θ, β).</summary>
    public double Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta)
    {
        _backend.SetParameters(theta, beta);
        Pirls.RunWithColdRestart(_backend, _ll);
        if (_nested is not null)
        {
            _backend.ReadModes(_modes);
            _nested.Evaluate(theta, beta, _modes, _logM);
            double sum = 0;
            for (int b = 0; b < _logM.Length; b++) sum += _logM[b] + _sat[b];
            return sum;
        }
        _backend.LogDeterminants(_ld);
        _backend.AgqTerms(_nodes, _logWeights, _ll, _logM);
        return Assemble(_ld, _ll, _sat, _logM);
    }

    /// <summary>
    /// −2 log L from the per-block terms (all of length blocks): Σ_b [log det A_b + devc_b(û) + c_b − 2 log M_b], with
    /// devc_b(û) = Σ_{i∈b} d_i + ‖û_b‖² from PIRLS, c_b the saturated constants and log M_b the node sums of
    /// <see cref="IGlmmBackend.AgqTerms"/>. Every backend's value (one fit or one replicate of a refit batch) is this sum.
    /// </summary>
    public static double Assemble(ReadOnlySpan<double> logDet, ReadOnlySpan<double> pdev, ReadOnlySpan<double> saturated, ReadOnlySpan<double> logM)
    {
        double d = 0;
        for (int b = 0; b < logDet.Length; b++) d += logDet[b] + pdev[b] + saturated[b] - 2 * logM[b];
        return d;
    }
}
