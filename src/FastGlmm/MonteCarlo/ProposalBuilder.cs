using FastGlmm.Backends.Cpu;
using FastGlmm.Likelihood;
using FastGlmm.Linalg;
using FastGlmm.Families;

namespace FastGlmm.MonteCarlo;

/// <summary>
/// Centres the per-block importance densities at given (θ, β): θ's diagonal is floored at
/// <see cref="ThetaFloor"/> (so that Σ* is nonsingular), PIRLS gives the conditional modes û and
/// b̂ = Λ(θ)û, and per block the conditional precision is Z_b'W Z_b + Σ*⁻¹ with W = −ℓ''(η̂) at
/// η̂ = offset + Xβ + Zb̂ (the exact negative Hessian of the log integrand for a canonical link).
/// </summary>
public static class ProposalBuilder
{
    /// <summary>The smallest relative standard deviation (diagonal θ) an importance density is centred at.</summary>
    public const double ThetaFloor = 0.05;

    /// <summary>Builds one proposal per block; also returns the floored θ used.</summary>
    public static (BlockProposal[] Proposals, double[] Theta) Build(ImportanceDesign design, ReadOnlySpan<double> theta,
        ReadOnlySpan<double> beta, MixtureWeights weights)
    {
        var prob = design.Problem;
        var layout = prob.Layout;
        var th = theta.ToArray();
        for (int k = 0; k < th.Length; k++)
            if (layout.IsDiagonal(k) && th[k] < ThetaFloor) th[k] = ThetaFloor;
        var u = new double[prob.TotalRandomEffects];
        using (var backend = CpuGlmmBackend.Create(prob))
        {
            backend.SetParameters(th, beta.ToArray());
            Pirls.Run(backend);
            backend.ReadModes(u);
        }
        var factors = new double[prob.FactorOffsets[^1]];
        prob.FillFactors(th, factors);
        var precision = PrecisionFactor.FromTheta(layout, th);
        var betaArr = beta.ToArray();
        var proposals = new BlockProposal[prob.BlockCount];
        Parallel.For(0, prob.BlockCount, b => proposals[b] = BuildBlock(design, b, factors, precision, betaArr, u, weights));
        return (proposals, th);
    }

    private static BlockProposal BuildBlock(ImportanceDesign design, int block, double[] factors, double[] precision,
        double[] beta, double[] u, MixtureWeights weights)
    {
        var prob = design.Problem;
        var layout = prob.Layout;
        int q = design.Dimension(block), lo = prob.UOffsets[block], p = prob.P, k = prob.K;
        var mean = new double[q];
        var prior = new double[q * q];
        var a = new double[q * q];
        for (int s = design.LevelOffsets[block]; s < design.LevelOffsets[block + 1]; s++)
        {
            int t = design.LevelTerm[s], qt = layout.Columns(t), at = design.LevelSlot[s], fo = prob.FactorOffsets[t], po = layout.Offset(t);
            for (int c = 0; c < qt; c++)
                for (int r = 0; r <= c; r++)
                {
                    double tcr = factors[fo + r * qt + c];
                    mean[at + c] += tcr * u[lo + at + r];
                    prior[(at + r) * q + at + c] = tcr;
                }
            // Σ*⁻¹ for the level: M'M, (M'M)_ac = Σ_{i ≥ max(a, c)} M_ia M_ic.
            for (int c = 0; c < qt; c++)
                for (int r = 0; r < qt; r++)
                {
                    double s2 = 0;
                    for (int i = Math.Max(r, c); i < qt; i++)
                        s2 += precision[po + PrecisionFactor.Index(qt, i, r)] * precision[po + PrecisionFactor.Index(qt, i, c)];
                    a[(at + c) * q + at + r] = s2;
                }
        }
        bool binomial = prob.Family.Family == FamilyId.Binomial;
        for (int i = prob.RowOffsets[block]; i < prob.RowOffsets[block + 1]; i++)
        {
            double f = prob.Offset[i];
            for (int j = 0; j < p; j++) f += design.XRows[(long)i * p + j] * beta[j];
            double eta = design.Eta(i, f, mean), d2;
            if (binomial) BinomialLogitLikelihood.Evaluate(eta, prob.Y[i], prob.Weights[i], out _, out d2);
            else PoissonLogLikelihood.Evaluate(eta, prob.Y[i], prob.Weights[i], out _, out d2);
            double w = -d2;
            long o = (long)i * k;
            for (int e = 0; e < k; e++)
            {
                double we = w * prob.Z[o + e];
                int se = prob.Slot[o + e];
                for (int g = 0; g < k; g++) a[se * q + prob.Slot[o + g]] += we * prob.Z[o + g];
            }
        }
        if (!DenseCholesky.Factor(a, q))
            throw new Likelihood.NumericalFailureException($"block {block + 1}: the conditional precision of the random effects is not positive definite");
        for (int c = 0; c < q; c++) for (int r = 0; r < c; r++) a[c * q + r] = 0;
        return new BlockProposal(mean, a, prior, weights);
    }
}
