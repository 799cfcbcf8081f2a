namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    private sealed partial class Solver
    {
        /// <summary>
        /// A new position x_opt + d for interpolation point <paramref name="knew"/>, ‖d‖ ≤ <paramref name="adelt"/>,
        /// inside the box, chosen (as in Powell's ALTMOV) to make |σ| = |Ω_kk·β + ℓ_k(x)²| large, which keeps
        /// the interpolation system well conditioned. Candidates: on each line through x_opt and another point
        /// x_j, ℓ_k(x_opt + t(x_j − x_opt)) = a·t + (δ_jk − a)·t² (a = ∇ℓ_k·(x_j − x_opt), since ℓ_k(x_opt) = 0 and
        /// ℓ_k(x_j) = δ_jk), at both ends of the feasible t-interval and at its stationary point; and the
        /// projected paths clamp(±α∇ℓ_k) at lengths ¼, ½, ¾ and 1 of adelt.
        /// </summary>
        private double[] GeometryStep(int knew, double adelt)
        {
            var xopt = _pts[_kopt];
            var sl = new double[_n];
            var su = new double[_n];
            var grad = new double[_n];
            for (int j = 0; j < _n; j++)
            {
                sl[j] = _lo[j] - xopt[j];
                su[j] = _hi[j] - xopt[j];
                grad[j] = _omega[knew, _m + 1 + j] / _scale;
            }
            double[]? bestD = null;
            double bestScore = -1;
            void Consider(double[] d)
            {
                var x = Shifted(xopt, d);
                if (DistSq(x, xopt) == 0) return;
                var tau = LagrangeValues(x, out double beta);
                double score = Math.Abs(_omega[knew, knew] * beta + tau[knew] * tau[knew]);
                if (score > bestScore) { bestScore = score; bestD = Difference(x, xopt); }
            }

            for (int k = 0; k < _m; k++)
            {
                if (k == _kopt) continue;
                var dk = Difference(_pts[k], xopt);
                double len = Norm(dk);
                if (len == 0) continue;
                double a = Dot(grad, dk), b = (k == knew ? 1 : 0) - a;
                double thi = adelt / len, tlo = -thi;
                for (int j = 0; j < _n; j++)
                {
                    if (dk[j] > 0) { thi = Math.Min(thi, su[j] / dk[j]); tlo = Math.Max(tlo, sl[j] / dk[j]); }
                    else if (dk[j] < 0) { thi = Math.Min(thi, sl[j] / dk[j]); tlo = Math.Max(tlo, su[j] / dk[j]); }
                }
                foreach (double t in Stationary(a, b, tlo, thi))
                    Consider(dk.Select(v => t * v).ToArray());
            }
            foreach (int sign in new[] { 1, -1 })
            {
                var dir = grad.Select(v => sign * v).ToArray();
                double alpha = ProjectedLength(dir, sl, su, adelt);
                if (!(alpha > 0)) continue;
                foreach (double frac in new[] { 0.25, 0.5, 0.75, 1.0 })
                    Consider(ClampStep(dir, frac * alpha, sl, su));
            }
            if (bestD is not null) return bestD;
            // Degenerate Lagrange function: a coordinate step of length adelt into the box.
            var fallback = new double[_n];
            int i0 = 0;
            for (int j = 1; j < _n; j++) if (su[j] - sl[j] > su[i0] - sl[i0]) i0 = j;
            fallback[i0] = su[i0] >= -sl[i0] ? Math.Min(adelt, su[i0]) : Math.Max(-adelt, sl[i0]);
            return fallback;
        }

        /// <summary>Candidate t for maximizing |a·t + b·t²| on [tlo, thi]: both ends and the stationary point.</summary>
        private static IEnumerable<double> Stationary(double a, double b, double tlo, double thi)
        {
            if (tlo < 0) yield return tlo;
            if (thi > 0) yield return thi;
            if (b != 0)
            {
                double t = -a / (2 * b);
                if (t > tlo && t < thi && t != 0) yield return t;
            }
        }

        /// <summary>The α at which ‖clamp(α·dir, sl, su)‖ first reaches <paramref name="length"/> (or the
        /// smallest α at which the path stops moving); 0 if dir is zero.</summary>
        private static double ProjectedLength(double[] dir, double[] sl, double[] su, double length)
        {
            double dn = Norm(dir);
            if (!(dn > 0)) return 0;
            double hi = length / dn;
            for (int it = 0; it < 60 && Norm(ClampStep(dir, hi, sl, su)) < length; it++)
            {
                double before = Norm(ClampStep(dir, hi, sl, su));
                hi *= 2;
                if (Norm(ClampStep(dir, hi, sl, su)) <= before) return hi / 2;
            }
            double lo = 0;
            for (int it = 0; it < 60; it++)
            {
                double mid = 0.5 * (lo + hi);
                if (Norm(ClampStep(dir, mid, sl, su)) < length) lo = mid; else hi = mid;
            }
            return hi;
        }

        private static double[] ClampStep(double[] dir, double alpha, double[] sl, double[] su)
        {
            var d = new double[dir.Length];
            for (int j = 0; j < d.Length; j++) d[j] = Math.Clamp(alpha * dir[j], sl[j], su[j]);
            return d;
        }
    }
}
