using FastGlmm.Families;
using FastGlmm.Model;

namespace FastGlmm.Likelihood;

/// <summary>
/// Nested adaptive Gauss–Hermite quadrature for GLMMs with nested scalar random effects (<see cref="NestedHierarchy"/>),
/// one dimension at a time from the root of each block down, as gllamm and Stata's <c>melogit</c> integrate multilevel
/// models. For the node v of a tree, with the random effects of its ancestors fixed, let
/// F_v = −2 log ∫ exp(−½ G_v(u_v)) du_v / √(2π), where G_v(u) = u² + Σ_{children c} F_c (given u_v = u) for an inner node
/// and G_v(u) = u² + Σ_{i∈rows(v)} d_i(u) for a leaf (d_i the deviance residual of row i, whose η_i = x_i'β + Σ_d θ_d z_id u_d
/// runs through the row's path). Each integral is taken by the K-node rule adapted to the conditional mode ũ of the
/// subtree of v (the minimizer of ½[Σ_{rows} d_i + Σ_{subtree} u²]) and to s², the pivot of v in the tree-ordered
/// Cholesky factorization of that objective's Hessian at ũ (with PIRLS's Fisher weights, as lme4's AGQ scale):
/// F_v = log s² − 2 log Σ_k w_k exp(−½ G_v(ũ_v + z_k / s) + ½ z_k²).
/// The block's −2 log L is F_root + c_b (c_b the saturated constant), on the fully normalized scale of
/// <see cref="LaplaceDeviance"/>; with K = 1 it is exactly the Laplace value (the pivots multiply to det A and the
/// conditional modes at the joint mode are the joint mode's). Cost per block: K^(D−1) mode solves of each leaf.
/// </summary>
public sealed class NestedQuadrature
{
    private readonly INestedKernel _kernel;

    /// <summary>Prepares the K-node nested quadrature of <paramref name="problem"/>'s trees.</summary>
    public NestedQuadrature(GlmmProblem problem, int nodes)
    {
        Hierarchy = new NestedHierarchy(problem);
        var make = new KernelFactory(problem, Hierarchy, GaussHermiteRule.Get(nodes));
        _kernel = FamilyDispatch.Run<KernelFactory, INestedKernel>(problem.Family, ref make);
    }

    /// <summary>The trees.</summary>
    public NestedHierarchy Hierarchy { get; }

    /// <summary>
    /// Per block b, F_root(b) (without c_b) at (θ, β), starting each block's mode search from <paramref name="modes"/>
    /// (Σ m_b, block-major in slot order, e.g. PIRLS's û). Blocks run in parallel; each value depends on its block only.
    /// </summary>
    public void Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta, ReadOnlySpan<double> modes, Span<double> perBlock) =>
        _kernel.Evaluate(theta, beta, modes, perBlock);

    private readonly struct KernelFactory(GlmmProblem problem, NestedHierarchy hierarchy, GaussHermiteRule rule) : IFamilyOperation<INestedKernel>
    {
        public INestedKernel Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution =>
            new NestedKernel<TLink, TDist>(problem, hierarchy, rule);
    }
}

internal interface INestedKernel
{
    void Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta, ReadOnlySpan<double> modes, Span<double> perBlock);
}

/// <summary>The arithmetic of <see cref="NestedQuadrature"/>, specialized to one link and distribution.</summary>
internal sealed class NestedKernel<TLink, TDist> : INestedKernel where TLink : struct, ILink where TDist : struct, IDistribution
{
    /// <summary>Newton iterations per conditional mode.</summary>
    public const int MaxIterations = 100;

    /// <summary>The conditional mode is accepted when the Newton decrement δ'Hδ is at most this (as PIRLS's tolerance).</summary>
    public const double DecrementTolerance = 1e-24;

    /// <summary>
    /// Below this Newton decrement the iteration is in Newton's quadratic region (the next decrement is about its
    /// square), so steps are taken without the step-halving check, whose objective cannot resolve a decrease this small.
    /// </summary>
    public const double QuadraticRegion = 1e-12;

    /// <summary>
    /// Below this the decrement may be rounding noise of the gradient (of order 1e-12 where μ is within 1e-5 of a bound):
    /// the iteration then also ends when the decrement stops falling quadratically.
    /// </summary>
    public const double RoundingFloor = 1e-18;

    private static readonly bool Canonical = UnitCanonical.Holds<TLink, TDist>();

    private readonly GlmmProblem _p;
    private readonly double[] _z, _logW;
    private readonly int _maxRows, _maxNodes;

    public NestedKernel(GlmmProblem problem, NestedHierarchy hierarchy, GaussHermiteRule rule)
    {
        _p = problem;
        Hierarchy = hierarchy;
        _z = rule.Nodes.ToArray();
        _logW = rule.Weights.Select(x => Math.Log(x)).ToArray();
        for (int b = 0; b < problem.BlockCount; b++)
        {
            _maxRows = Math.Max(_maxRows, problem.RowOffsets[b + 1] - problem.RowOffsets[b]);
            _maxNodes = Math.Max(_maxNodes, problem.UOffsets[b + 1] - problem.UOffsets[b]);
        }
    }

    private NestedHierarchy Hierarchy { get; }

    public void Evaluate(ReadOnlySpan<double> theta, ReadOnlySpan<double> beta, ReadOnlySpan<double> modes, Span<double> perBlock)
    {
        var factors = new double[_p.FactorOffsets[^1]];
        _p.FillFactors(theta, factors);
        var scale = Hierarchy.TermOrder.Select(t => factors[_p.FactorOffsets[t]]).ToArray();
        var b0 = beta.ToArray();
        var u0 = modes.ToArray();
        var result = new double[_p.BlockCount];
        var local = new ThreadLocal<Work>(() => new Work(_maxRows, _maxNodes, Hierarchy.Depth, _z.Length), trackAllValues: false);
        try
        {
            Parallel.For(0, _p.BlockCount, b => result[b] = Block(local.Value!, b, scale, b0, u0));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            throw e.InnerExceptions.OfType<NumericalFailureException>().FirstOrDefault() ?? e.InnerExceptions[0];
        }
        finally { local.Dispose(); }
        result.CopyTo(perBlock);
    }

    private double Block(Work w, int b, double[] scale, double[] beta, double[] modes)
    {
        int r0 = _p.RowOffsets[b], n = _p.RowOffsets[b + 1] - r0, uLo = _p.UOffsets[b], m = _p.UOffsets[b + 1] - uLo;
        int depth = Hierarchy.Depth, k = _p.K, pp = _p.P;
        w.Start(b, r0, uLo);
        for (int r = 0; r < n; r++)
        {
            int i = Hierarchy.Rows[r0 + r];
            double eta = _p.Offset[i];
            for (int j = 0; j < pp; j++) eta += _p.X[(long)j * _p.N + i] * beta[j];
            w.Eta0[r] = eta;
            for (int d = 0; d < depth; d++) w.Zt[r * depth + d] = _p.Z[(long)i * k + Hierarchy.TermOrder[d]] * scale[d];
        }
        for (int q = 0; q < m; q++) w.U[q] = modes[uLo + Hierarchy.SlotOfPosition[uLo + q]];
        return Integral(w, 0);
    }

    /// <summary>F_v for the node at position <paramref name="v"/>, its ancestors' u fixed; leaves the subtree's u at its conditional mode.</summary>
    private double Integral(Work w, int v)
    {
        double pivot = Mode(w, v);
        int d = Hierarchy.NodeDepth[w.ULo + v], end = Hierarchy.End[w.ULo + v], depth = Hierarchy.Depth;
        var save = w.Save[d];
        w.U.AsSpan(v, end - v).CopyTo(save);
        // The descendants' conditional modes move with u_v by ∂ũ/∂u_v = −H⁻¹H_·v (first order), read off the factor
        // Mode left: slope_v = 1, slope_q = −Σ_a H'_qa slope_a / pivot_q in pre-order. Each node's solves start there.
        var slope = w.Slope[d];
        slope[0] = 1;
        for (int q = v + 1; q < end; q++)
        {
            int dq = Hierarchy.NodeDepth[w.ULo + q];
            double x = 0;
            for (int da = d; da < dq; da++) x -= w.H[q * depth + da] * slope[Hierarchy.Ancestor[(w.ULo + q) * depth + da] - v];
            slope[q - v] = x / w.Pivot[q];
        }
        double centre = w.U[v], s = Math.Sqrt(pivot);
        var terms = w.Terms[d];
        bool leaf = d == depth - 1;
        double max = double.NegativeInfinity;
        for (int q = 0; q < _z.Length; q++)
        {
            double shift = _z[q] / s, uv = centre + shift;
            for (int j = 0; j < end - v; j++) w.U[v + j] = save[j] + slope[j] * shift;
            w.U[v] = uv;
            double g = uv * uv;
            if (leaf) g += LeafDeviance(w, v);
            else for (int c = v + 1; c < end; c = Hierarchy.End[w.ULo + c]) g += Integral(w, c);
            terms[q] = _logW[q] - 0.5 * g + 0.5 * _z[q] * _z[q];
            max = Math.Max(max, terms[q]);
        }
        save.AsSpan(0, end - v).CopyTo(w.U.AsSpan(v));
        double sum = 0;
        for (int q = 0; q < _z.Length; q++) sum += Math.Exp(terms[q] - max);
        double f = Math.Log(pivot) - 2 * (max + Math.Log(sum));
        if (!double.IsFinite(f))
            throw new NumericalFailureException($"nested adaptive quadrature: the integral over level {LevelName(w, v)} is not finite at these parameters");
        return f;
    }

    private double Eta(Work w, int r)
    {
        int depth = Hierarchy.Depth;
        double eta = w.Eta0[r];
        for (int d = 0; d < depth; d++) eta += w.Zt[r * depth + d] * w.U[Hierarchy.RowPath[(w.R0 + r) * depth + d]];
        return eta;
    }

    private double LeafDeviance(Work w, int v)
    {
        double dev = 0;
        for (int r = Hierarchy.RowStart[w.ULo + v]; r < Hierarchy.RowEnd[w.ULo + v]; r++)
        {
            int i = Hierarchy.Rows[w.R0 + r];
            dev += Deviance(_p.Y[i], Eta(w, r), _p.Weights[i]);
        }
        return dev;
    }

    /// <summary>½[Σ_{rows(v)} d_i + Σ_{subtree(v)} u²] at the current u.</summary>
    private double Objective(Work w, int v)
    {
        int end = Hierarchy.End[w.ULo + v];
        double s = 0;
        for (int q = v; q < end; q++) s += w.U[q] * w.U[q];
        for (int r = Hierarchy.RowStart[w.ULo + v]; r < Hierarchy.RowEnd[w.ULo + v]; r++)
        {
            int i = Hierarchy.Rows[w.R0 + r];
            s += Deviance(_p.Y[i], Eta(w, r), _p.Weights[i]);
        }
        return 0.5 * s;
    }

    /// <summary>
    /// Newton (Fisher scoring) with step halving for the conditional mode of the subtree of <paramref name="v"/>, its
    /// ancestors fixed; returns v's pivot s² at the mode. The Hessian couples a node only with its ancestors, so it is
    /// factored in reverse pre-order (descendants first) without fill, D entries per node.
    /// </summary>
    private double Mode(Work w, int v)
    {
        int end = Hierarchy.End[w.ULo + v], d0 = Hierarchy.NodeDepth[w.ULo + v], depth = Hierarchy.Depth;
        double f = double.NaN; // the objective at u, computed when a step has to be checked
        double previousDecrement = double.PositiveInfinity;
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            Assemble(w, v);
            // Eliminate descendants first: pivot p = H_pp; H_ab −= H_pa H_pb / p and g_a −= H_pa g_p / p over p's ancestors a, b in the subtree.
            for (int q = end - 1; q >= v; q--)
            {
                int dq = Hierarchy.NodeDepth[w.ULo + q];
                double piv = w.H[q * depth + dq];
                w.Pivot[q] = piv;
                for (int da = d0; da < dq; da++)
                {
                    int a = Hierarchy.Ancestor[(w.ULo + q) * depth + da];
                    double hqa = w.H[q * depth + da];
                    w.Rhs[a] -= hqa * w.Rhs[q] / piv;
                    for (int db = da; db < dq; db++)
                    {
                        int c = Hierarchy.Ancestor[(w.ULo + q) * depth + db];
                        w.H[c * depth + da] -= hqa * w.H[q * depth + db] / piv;
                    }
                }
            }
            double decrement = 0;
            for (int q = v; q < end; q++)
            {
                int dq = Hierarchy.NodeDepth[w.ULo + q];
                double x = w.Rhs[q];
                for (int da = d0; da < dq; da++) x -= w.H[q * depth + da] * w.Delta[Hierarchy.Ancestor[(w.ULo + q) * depth + da]];
                w.Delta[q] = x / w.Pivot[q];
                decrement += w.Delta[q] * w.Gradient[q];
            }
            decrement = -decrement;
            // Converged, or at the gradient's rounding floor (a decrement that no longer falls by Newton's square law).
            if (decrement <= DecrementTolerance || decrement <= RoundingFloor && decrement > 0.25 * previousDecrement) return w.Pivot[v];
            previousDecrement = decrement;
            if (decrement <= QuadraticRegion)
            {
                // Where the predicted decrease is below what f resolves in fp64, the full Newton step is taken unchecked.
                for (int q = v; q < end; q++) w.U[q] += w.Delta[q];
                f = double.NaN;
                continue;
            }
            if (double.IsNaN(f)) f = Objective(w, v);
            w.U.AsSpan(v, end - v).CopyTo(w.Previous);
            double step = 1, fc = double.NaN;
            for (int h = 0; h <= 30; h++, step *= 0.5)
            {
                for (int q = v; q < end; q++) w.U[q] = w.Previous[q - v] + step * w.Delta[q];
                fc = Objective(w, v);
                if (fc <= f) break;
            }
            if (!(fc <= f))
            {
                w.Previous.AsSpan(0, end - v).CopyTo(w.U.AsSpan(v));
                throw new NumericalFailureException($"nested adaptive quadrature: the conditional mode of level {LevelName(w, v)} did not converge (step halving failed)");
            }
            f = fc;
        }
        throw new NumericalFailureException($"nested adaptive quadrature: the conditional mode of level {LevelName(w, v)} did not converge in {MaxIterations} iterations");
    }

    /// <summary>
    /// At the current u: the gradient g of ½[Σ d_i + Σ u²] over the subtree's nodes, Rhs = −g, and its Fisher Hessian
    /// H = I + Σ_i W_i t_i t_i' (t_i the row's θ_d z_id along its path, W_i = wt μ'²/V(μ)), stored per node p as
    /// H[p, ancestor at depth d] at p·D + d (p's diagonal at its own depth).
    /// </summary>
    private void Assemble(Work w, int v)
    {
        int end = Hierarchy.End[w.ULo + v], d0 = Hierarchy.NodeDepth[w.ULo + v], depth = Hierarchy.Depth;
        for (int q = v; q < end; q++)
        {
            w.Gradient[q] = w.U[q];
            w.H.AsSpan(q * depth, depth).Clear();
            w.H[q * depth + Hierarchy.NodeDepth[w.ULo + q]] = 1;
        }
        for (int r = Hierarchy.RowStart[w.ULo + v]; r < Hierarchy.RowEnd[w.ULo + v]; r++)
        {
            int i = Hierarchy.Rows[w.R0 + r];
            var (score, fisher) = Score(_p.Y[i], Eta(w, r), _p.Weights[i]);
            int path = (w.R0 + r) * depth;
            for (int db = d0; db < depth; db++)
            {
                double tb = w.Zt[r * depth + db];
                int pb = Hierarchy.RowPath[path + db];
                w.Gradient[pb] -= score * tb;
                for (int da = d0; da <= db; da++) w.H[pb * depth + da] += fisher * tb * w.Zt[r * depth + da];
            }
        }
        for (int q = v; q < end; q++) w.Rhs[q] = -w.Gradient[q];
    }

    private static bool IsBinomialLogit => typeof(TLink) == typeof(LogitLink) && typeof(TDist) == typeof(BinomialDistribution);

    private const double LogitClamp = LogitLink.EtaClamp;

    /// <summary>
    /// The deviance residual d_i at η. For binomial(logit) it is formed from η, not μ, as the CPU backend's pass does:
    /// with e = exp(−|η|), d = 2wt[y log y + (1 − y) log(1 − y) + log(1 + e) + y·max(−η, 0) + (1 − y)·max(η, 0)]
    /// (−log μ = softplus(−η)), which keeps its digits where μ nears 0 or 1 and so lets the step check resolve small steps.
    /// </summary>
    private static double Deviance(double y, double eta, double wt)
    {
        if (!IsBinomialLogit) return TDist.DevianceResidual(y, TLink.LinkInverse(eta), wt);
        eta = Math.Clamp(eta, -LogitClamp, LogitClamp);
        double h = (y > 0 ? y * Math.Log(y) : 0) + (y < 1 ? (1 - y) * Math.Log(1 - y) : 0);
        return 2 * wt * (h + StableMath.Log1p(Math.Exp(-Math.Abs(eta))) + y * Math.Max(-eta, 0) + (1 - y) * Math.Max(eta, 0));
    }

    /// <summary>
    /// The score wt(y − μ)μ'/V(μ) of ½d_i in η and the Fisher weight W = wt μ'²/V(μ). With the canonical link μ' = V(μ),
    /// so they are wt(y − μ) and wt μ', written without the ratio, whose parts lose digits where μ nears a bound; for
    /// binomial(logit) μ and 1 − μ are each formed from e = exp(−|η|).
    /// </summary>
    private static (double Score, double Fisher) Score(double y, double eta, double wt)
    {
        if (IsBinomialLogit)
        {
            double e = Math.Exp(-Math.Abs(Math.Clamp(eta, -LogitClamp, LogitClamp))), big = 1 / (1 + e), small = e * big;
            double mu = eta >= 0 ? big : small, q = eta >= 0 ? small : big;
            return (wt * (y * q - (1 - y) * mu), wt * Math.Max(mu * q, Clamps.Epsilon));
        }
        double m = TLink.LinkInverse(eta), me = TLink.MuEta(eta), ratio = Canonical ? 1 : me / TDist.Variance(m);
        return (wt * (y - m) * ratio, wt * me * ratio);
    }

    private string LevelName(Work w, int v)
    {
        int d = Hierarchy.NodeDepth[w.ULo + v];
        var term = _p.Frame.RandomTerms[Hierarchy.TermOrder[d]];
        int row = Hierarchy.Rows[w.R0 + Hierarchy.RowStart[w.ULo + v]];
        return $"'{UserText.Clip(term.Levels[term.LevelOfRow[row]])}' of {term.Group} (block {w.Block + 1})";
    }

    /// <summary>Per-thread buffers, sized for the largest block.</summary>
    private sealed class Work(int rows, int nodes, int depth, int count)
    {
        public readonly double[] Eta0 = new double[rows], Zt = new double[rows * depth];
        public readonly double[] U = new double[nodes], Gradient = new double[nodes], Rhs = new double[nodes], Pivot = new double[nodes];
        public readonly double[] Delta = new double[nodes], Previous = new double[nodes], H = new double[nodes * depth];
        public readonly double[][] Save = Enumerable.Range(0, depth).Select(_ => new double[nodes]).ToArray();
        public readonly double[][] Slope = Enumerable.Range(0, depth).Select(_ => new double[nodes]).ToArray();
        public readonly double[][] Terms = Enumerable.Range(0, depth).Select(_ => new double[count]).ToArray();
        public int Block, R0, ULo;

        public void Start(int block, int r0, int uLo) => (Block, R0, ULo) = (block, r0, uLo);
    }
}
