namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    internal sealed partial class Solver
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
            var (sl, su) = StepBounds();
            var grad = new double[_n];
            // ∇ℓ_knew at x_opt (the model centre) from row knew of Ω, its KKT coefficients.
            InterpolantAtCenter(_omega.AsSpan(knew * _dim, _dim), grad);
            var bestD = new double[_n];
            var x = new double[_n];
            var dk = new double[_n];
            var dir = new double[_n];
            bool found = false;
            double bestScore = -1, omegaKK = _omega[knew * _dim + knew];
            var line = _lineSigma ??= new LineSigma(this);
            line.Begin(xopt);
            // A point on the line x_opt + t·direction (clamp: the projected path instead); σ from the line's
            // quartic when onLine, else from the point's own Lagrange values.
            void Consider(double[] direction, double t, bool clamp, bool onLine)
            {
                double moved = 0;
                for (int j = 0; j < _n; j++)
                {
                    double dj = t * direction[j];
                    if (clamp) dj = Math.Clamp(dj, sl[j], su[j]);
                    x[j] = Math.Clamp(xopt[j] + dj, _lo[j], _hi[j]);
                    double e = x[j] - xopt[j];
                    moved += e * e;
                }
                if (moved == 0) return;
                double sigma;
                if (onLine) sigma = line.Sigma(knew, t);
                else
                {
                    var tau = LagrangeValues(x, out double beta);
                    sigma = omegaKK * beta + tau[knew] * tau[knew];
                }
                double score = Math.Abs(sigma);
                if (score > bestScore)
                {
                    bestScore = score;
                    found = true;
                    for (int j = 0; j < _n; j++) bestD[j] = x[j] - xopt[j];
                }
            }

            for (int k = 0; k < _m; k++)
            {
                if (k == _kopt) continue;
                for (int j = 0; j < _n; j++) dk[j] = _pts[k][j] - xopt[j];
                double len = Norm(dk);
                if (len == 0) continue;
                double a = Dot(grad, dk), b = (k == knew ? 1 : 0) - a;
                double thi = adelt / len, tlo = -thi;
                for (int j = 0; j < _n; j++)
                {
                    if (dk[j] > 0) { thi = Math.Min(thi, su[j] / dk[j]); tlo = Math.Max(tlo, sl[j] / dk[j]); }
                    else if (dk[j] < 0) { thi = Math.Min(thi, sl[j] / dk[j]); tlo = Math.Max(tlo, su[j] / dk[j]); }
                }
                // Both ends of the feasible interval and the stationary point of a·t + b·t².
                line.SetLine(dk);
                if (tlo < 0) Consider(dk, tlo, false, true);
                if (thi > 0) Consider(dk, thi, false, true);
                if (b != 0)
                {
                    double t = -a / (2 * b);
                    if (t > tlo && t < thi && t != 0) Consider(dk, t, false, true);
                }
            }
            for (int sign = 1; sign >= -1; sign -= 2)
            {
                for (int j = 0; j < _n; j++) dir[j] = sign * grad[j];
                double alpha = ProjectedLength(dir, sl, su, adelt);
                if (!(alpha > 0)) continue;
                for (int q = 1; q <= 4; q++) Consider(dir, 0.25 * q * alpha, true, false);
            }
            if (found) return bestD;
            // Degenerate Lagrange function: a coordinate step of length adelt into the box.
            var fallback = new double[_n];
            int i0 = 0;
            for (int j = 1; j < _n; j++) if (su[j] - sl[j] > su[i0] - sl[i0]) i0 = j;
            fallback[i0] = su[i0] >= -sl[i0] ? Math.Min(adelt, su[i0]) : Math.Max(-adelt, sl[i0]);
            return fallback;
        }

        /// <summary>The α at which ‖clamp(α·dir, sl, su)‖ first reaches <paramref name="length"/> (or the
        /// smallest α at which the path stops moving); 0 if dir is zero. Component j grows as α·dir_j until its
        /// bound at α_j = bound_j/dir_j, so ‖·‖² = Σ_{α_j ≤ α} bound_j² + α²Σ_{α_j &gt; α} dir_j², solved exactly
        /// between consecutive breakpoints.</summary>
        private static double ProjectedLength(double[] dir, double[] sl, double[] su, double length)
        {
            int n = dir.Length;
            Span<double> brk = n <= 128 ? stackalloc double[n] : new double[n];
            double freeSq = 0;
            for (int j = 0; j < n; j++)
            {
                brk[j] = dir[j] > 0 ? su[j] / dir[j] : dir[j] < 0 ? sl[j] / dir[j] : double.PositiveInfinity;
                if (dir[j] != 0) freeSq += dir[j] * dir[j];
            }
            if (!(freeSq > 0)) return 0;
            // The moving components by breakpoint (insertion sort: n is small; ties keep index order).
            Span<int> order = n <= 128 ? stackalloc int[n] : new int[n];
            int count = 0;
            for (int j = 0; j < n; j++)
            {
                if (dir[j] == 0) continue;
                int at = count++;
                while (at > 0 && brk[order[at - 1]] > brk[j]) { order[at] = order[at - 1]; at--; }
                order[at] = j;
            }
            order = order[..count];
            double fixedSq = 0, target = length * length, last = 0;
            int remaining = order.Length;
            foreach (int j in order)
            {
                double aj = Math.Max(brk[j], 0);
                if (double.IsPositiveInfinity(aj) || fixedSq + aj * aj * freeSq >= target)
                    return Math.Sqrt(Math.Max(target - fixedSq, 0) / freeSq);
                double c = aj * dir[j];
                fixedSq += c * c;
                freeSq -= dir[j] * dir[j];
                last = aj;
                if (--remaining == 0 || !(freeSq > 0)) return last;
            }
            return last;
        }
    }
}
