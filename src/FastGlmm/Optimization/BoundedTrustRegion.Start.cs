namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    internal sealed partial class Solver
    {
        /// <summary>
        /// Powell's initial set: x0, x0 + a_i e_i, x0 + b_i e_i with (a_i, b_i) = (ρ, −ρ), or (ρ, 2ρ) / (−ρ, −2ρ) at a
        /// lower / upper bound (x0_i within ρ of a bound but not on it is first moved to distance ρ from it). The
        /// first model is the least-Frobenius-norm interpolant (here: central differences, diagonal Hessian).
        /// </summary>
        private IEnumerable<double[]> Initialize()
        {
            var x = _x0;
            for (int i = 0; i < _n; i++)
            {
                if (x[i] <= _lo[i] || x[i] >= _hi[i]) continue;
                if (x[i] - _lo[i] < _rho) x[i] = _lo[i] + _rho;
                else if (_hi[i] - x[i] < _rho) x[i] = _hi[i] - _rho;
            }
            _bestX = (double[])x.Clone();
            if (!CanEvaluate()) { _next = Stage.Limit; yield break; }
            yield return x;
            double f0 = Record(x);
            if (!double.IsFinite(f0)) { _next = Stage.StartFailed; yield break; }
            foreach (var p in Seed(x, f0, _rho)) yield return p;
            _nfsav = _nf;
        }

        /// <summary>
        /// Powell's rescue, simplified: when the interpolation system has become singular to working precision
        /// (W cannot be inverted after a replacement), the set is rebuilt as a fresh 2n + 1 star of radius ρ around
        /// the best point so far; the model keeps its curvature, changed by the least-Frobenius-norm update.
        /// </summary>
        private IEnumerable<double[]> Rescue()
        {
            foreach (var p in Seed(_bestX, _bestF, _rho)) yield return p;
            _ntrits = 0;
            _nfsav = _nf;
        }

        /// <summary>
        /// Makes {x, x + a_i e_i, x + b_i e_i} the interpolation set, (a_i, b_i) = (r, −r) where the box allows, else
        /// (r, 2r) or (−r, −2r), else the two largest feasible one-sided steps; a non-finite value at a trial point
        /// shrinks that offset by 0.3 (up to six tries). Then Ω is rebuilt and the model updated.
        /// </summary>
        private IEnumerable<double[]> Seed(double[] x, double fx, double r)
        {
            _pts[0] = (double[])x.Clone();
            _fv[0] = fx;
            for (int i = 0; i < _n; i++)
            {
                double up = _hi[i] - x[i], down = x[i] - _lo[i], a, b;
                if (up >= r && down >= r) (a, b) = (r, -r);
                else if (up >= 2 * r) (a, b) = (r, 2 * r);
                else if (down >= 2 * r) (a, b) = (-r, -2 * r);
                else if (up >= down) (a, b) = (up, 0.5 * up);
                else (a, b) = (-down, -0.5 * down);
                foreach (var p in Offset(x, i, a, double.NaN, 1 + i)) yield return p;
                if (_next != Stage.TrustRegion) yield break;
                double ha = _used;
                foreach (var p in Offset(x, i, b, ha, 1 + _n + i)) yield return p;
                if (_next != Stage.TrustRegion) yield break;
            }
            _kopt = 0;
            for (int k = 1; k < _m; k++) if (_fv[k] < _fv[_kopt]) _kopt = k;
            Recenter();
            if (!Rebuild()) { _next = Stage.StartFailed; yield break; }
            UpdateModel();
            _next = Stage.TrustRegion;
        }

        /// <summary>Evaluates x + h e_i into slot <paramref name="slot"/>, shrinking h by 0.3 on non-finite values
        /// (and again if it comes within 10% of <paramref name="other"/>, the other offset on this axis); the offset
        /// used goes to <c>_used</c> and the outcome (TrustRegion on success) to <c>_next</c>.</summary>
        private IEnumerable<double[]> Offset(double[] x, int i, double h, double other, int slot)
        {
            _used = h;
            for (int attempt = 0; attempt < 6; attempt++)
            {
                var p = (double[])x.Clone();
                p[i] = Math.Clamp(x[i] + h, _lo[i], _hi[i]);
                if (!CanEvaluate()) { _next = Stage.Limit; yield break; }
                yield return p;
                double fp = Record(p);
                if (double.IsFinite(fp)) { _pts[slot] = p; _fv[slot] = fp; _used = p[i] - x[i]; _next = Stage.TrustRegion; yield break; }
                h *= 0.3;
                if (Math.Abs(h - other) < 0.1 * Math.Abs(h)) h *= 0.3;
            }
            _next = Stage.StartFailed;
        }
    }
}
