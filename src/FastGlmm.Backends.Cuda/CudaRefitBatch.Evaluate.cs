using FastGlmm.Likelihood;

namespace FastGlmm.Backends.Cuda;

public sealed partial class CudaRefitBatch
{
    /// <summary>
    /// values[i] = D_r(points[i]) on objective on[i] for r = replicates[i] (points[i] = [θ_r, β_r], nt + p), all asked
    /// replicates in one lockstep pass over their (replicate × block) pairs. A replicate whose PIRLS fails is retried
    /// from u = 0 (with the others that failed, in a second pass); failing again, it gets failures[i] = the first
    /// failing block's one-line reason, values[i] = NaN, and is released. Only per-block values come back.
    /// </summary>
    public void Evaluate(ReadOnlySpan<int> replicates, IReadOnlyList<double[]> points, ReadOnlySpan<StageObjective> on,
        Span<double> values, string?[] failures)
    {
        // AGQ replicates first: the node sums then run on a prefix of the launch list.
        var agq = new List<int>();
        var laplace = new List<int>();
        for (int i = 0; i < replicates.Length; i++)
        {
            failures[i] = null;
            values[i] = double.NaN;
            if (on[i] != StageObjective.Agq) laplace.Add(i);
            else if (_agqUnavailable is null) agq.Add(i);
            else
            {
                failures[i] = _agqUnavailable;
                Release(replicates[i]);
            }
        }
        int[] entries = [.. agq, .. laplace];
        if (entries.Length == 0) return;
        var reps = new int[entries.Length];
        for (int e = 0; e < entries.Length; e++)
        {
            int r = reps[e] = replicates[entries[e]];
            var v = points[entries[e]];
            _d.SetParameters(r, v.AsSpan(0, _nt), v.AsSpan(_nt));
            if (_released[r]) { _d.ClearModes(r); _released[r] = false; }
            _saturated[r] ??= SaturatedConstants.Compute(_p, _responses[r]);
        }
        _d.LinearPredictor(reps);
        var retry = Pass(entries, reps, agq.Count, values, failures, last: false);
        if (retry.Count == 0) return;
        // As Pirls.RunWithColdRestart: a warm start from a distant point can fail where a cold start does not.
        var again = retry.ToArray();
        var againReps = again.Select(e => reps[e]).ToArray();
        foreach (int r in againReps) _d.ClearModes(r);
        Pass(again.Select(e => entries[e]).ToArray(), againReps, again.Count(e => e < agq.Count), values, failures, last: true);
    }

    /// <summary>
    /// One lockstep pass over the (replicate, block) pairs of <paramref name="reps"/> (the asked indices
    /// <paramref name="entries"/>, the first <paramref name="agqCount"/> on the AGQ objective): PIRLS from the current
    /// modes, then the objective's per-block terms, summed per replicate into <paramref name="values"/>. Returns the
    /// positions (in <paramref name="entries"/>) whose PIRLS failed; with <paramref name="last"/>, those fail instead.
    /// </summary>
    private List<int> Pass(int[] entries, int[] reps, int agqCount, Span<double> values, string?[] failures, bool last)
    {
        int nb = _p.BlockCount, nl = entries.Length * nb, na = agqCount * nb;
        var list = new int[nl];
        var machines = new PirlsBlockMachine[nl];
        for (int e = 0; e < entries.Length; e++)
        {
            double tolerance = e < agqCount ? Pirls.DecreaseTolerance : _pirlsTolerance;
            for (int b = 0; b < nb; b++)
            {
                list[e * nb + b] = reps[e] * nb + b;
                machines[e * nb + b] = new PirlsBlockMachine(b, tolerance);
            }
        }
        _d.SetList(list);
        var pdev = new double[nl];
        var failed = new PirlsException?[nl];
        Pirls.RunLockstep(_d, machines, pdev, failed);
        var logDet = new double[nl];
        _d.LogDeterminants(logDet);
        var logM = new double[na];
        if (na > 0)
        {
            _d.UseListPrefix(na);
            _d.AgqTerms(_nodes, _logWeights, pdev.AsSpan(0, na), logM);
            _d.UseListPrefix(nl);
        }
        double[] uSquared = [], logLik = [];
        if (_dispersion) (uSquared, logLik) = DispersionTerms(reps, logDet);
        var retry = new List<int>();
        for (int e = 0; e < entries.Length; e++)
        {
            int i = entries[e], r = reps[e], at = e * nb;
            if (FirstFailure(failed.AsSpan(at, nb)) is { } why)
            {
                if (!last) { retry.Add(e); continue; }
                failures[i] = why.Message.Split('\n')[0];
                Release(r);
                continue;
            }
            var sat = _saturated[r]!;
            values[i] = e < agqCount
                ? AgqDeviance.Assemble(logDet.AsSpan(at, nb), pdev.AsSpan(at, nb), sat, logM.AsSpan(at, nb))
                : _dispersion
                    ? LaplaceDeviance.AssembleDispersed(logDet.AsSpan(at, nb), uSquared.AsSpan(at, nb), logLik.AsSpan(at, nb))
                    : LaplaceDeviance.Assemble(logDet.AsSpan(at, nb), pdev.AsSpan(at, nb), sat);
        }
        return retry;
    }

    /// <summary>
    /// Gamma (as <see cref="LaplaceDeviance"/>): at the modes, per listed block, log det A (into <paramref name="logDet"/>)
    /// and ‖u‖², then each replicate's dispersion φ_r = Σ d_i / Σ w_i and its −2 log p terms at φ_r.
    /// </summary>
    private (double[] USquared, double[] LogLik) DispersionTerms(int[] reps, double[] logDet)
    {
        int nb = _p.BlockCount, nl = logDet.Length;
        var uSquared = new double[nl];
        var deviance = new double[nl];
        _d.LaplaceTerms(logDet, uSquared, deviance);
        var phi = new double[Count];
        for (int e = 0; e < reps.Length; e++) phi[reps[e]] = LaplaceDeviance.Dispersion(deviance.AsSpan(e * nb, nb), _weightSum);
        var logLik = new double[nl];
        _d.LogLikelihoodTerms(phi, logLik);
        return (uSquared, logLik);
    }

    private static PirlsException? FirstFailure(ReadOnlySpan<PirlsException?> blocks)
    {
        foreach (var f in blocks) if (f is not null) return f;
        return null;
    }
}
