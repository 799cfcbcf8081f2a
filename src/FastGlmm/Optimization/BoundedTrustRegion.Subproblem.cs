namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    /// <summary>
    /// The bounded trust-region subproblem: approximately minimize Q(d) = gᵀd + ½dᵀHd subject to ‖d‖ ≤ Δ and
    /// sl ≤ d ≤ su (sl ≤ 0 ≤ su), in the manner of Powell's TRSBOX.
    /// </summary>
    private static class Subproblem
    {
        /// <summary>
        /// Truncated conjugate gradients from d = 0 on the free variables (a variable on a bound whose gradient
        /// points out of the box starts fixed); a CG step that meets a bound fixes that variable and restarts
        /// CG; one that meets the sphere ‖d‖ = Δ is followed by rotations of the free part of d in the plane of d
        /// and the projected steepest-descent direction, each minimizing Q along the arc (and stopping at a
        /// bound, which is then fixed). Each phase stops when its last reduction is under 1% of the total.
        /// <paramref name="crvmin"/> is the least curvature dᵀHd/dᵀd met by an interior CG step, 0 if the step
        /// reached the sphere or a bound, −1 if no step was taken.
        /// </summary>
        public static double[] Solve(double[] g, double[,] h, double[] sl, double[] su, double delta, Workspace ws, out double crvmin)
        {
            int n = g.Length;
            var s = ws.S;
            Array.Clear(s);
            var gs = ws.Gs;
            Array.Copy(g, gs, n);
            var isFixed = ws.IsFixed;
            for (int i = 0; i < n; i++)
                isFixed[i] = (sl[i] >= 0 && g[i] >= 0) || (su[i] <= 0 && g[i] <= 0);
            crvmin = -1;
            double qred = 0;
            var d = ws.D;
            var hd = ws.Hd;
            bool onSphere = false;
            int iterations = 0, maxIterations = 2 * n + 2;
            while (!onSphere && iterations < maxIterations)
            {
                // Restart: steepest descent on the free variables.
                double gg = 0;
                for (int i = 0; i < n; i++) { d[i] = isFixed[i] ? 0 : -gs[i]; gg += d[i] * d[i]; }
                bool restart = false;
                while (!restart && iterations < maxIterations)
                {
                    iterations++;
                    double dd = 0, sd = 0, ss = 0, gd = 0;
                    for (int i = 0; i < n; i++) { dd += d[i] * d[i]; sd += s[i] * d[i]; ss += s[i] * s[i]; gd += gs[i] * d[i]; }
                    if (dd == 0 || !(gd < 0) || gg <= 1e-30 * Math.Max(1, qred)) return s;
                    double resid = delta * delta - ss;
                    if (resid <= 0) { onSphere = true; break; }
                    double root = Math.Sqrt(sd * sd + dd * resid);
                    double tSphere = sd >= 0 ? resid / (sd + root) : (root - sd) / dd;
                    int hit = -1;
                    double tBound = double.PositiveInfinity;
                    for (int i = 0; i < n; i++)
                    {
                        if (isFixed[i] || d[i] == 0) continue;
                        double t = (d[i] > 0 ? su[i] - s[i] : sl[i] - s[i]) / d[i];
                        if (t < tBound) { tBound = Math.Max(t, 0); hit = i; }
                    }
                    MatVec(h, d, hd);
                    double dhd = Dot(d, hd);
                    double step = Math.Min(tSphere, tBound);
                    bool interior = false;
                    if (dhd > 0)
                    {
                        double tcg = -gd / dhd;
                        if (tcg < step) { step = tcg; interior = true; }
                        double curv = dhd / dd;
                        crvmin = crvmin < 0 ? curv : Math.Min(crvmin, curv);
                    }
                    double red = -step * (gd + 0.5 * step * dhd);
                    qred += red;
                    for (int i = 0; i < n; i++) { s[i] += step * d[i]; gs[i] += step * hd[i]; }
                    if (interior)
                    {
                        if (red <= 0.01 * qred) return s;
                        double ggNew = 0;
                        for (int i = 0; i < n; i++) if (!isFixed[i]) ggNew += gs[i] * gs[i];
                        double beta = ggNew / gg;
                        gg = ggNew;
                        for (int i = 0; i < n; i++) d[i] = isFixed[i] ? 0 : -gs[i] + beta * d[i];
                        continue;
                    }
                    crvmin = 0;
                    if (tBound <= tSphere && hit >= 0)
                    {
                        s[hit] = d[hit] > 0 ? su[hit] : sl[hit];
                        isFixed[hit] = true;
                        restart = true;
                        if (tBound < tSphere) continue;
                    }
                    onSphere = true;
                    break;
                }
            }
            if (onSphere) Rotate(h, s, gs, isFixed, sl, su, qred, n, ws);
            for (int i = 0; i < n; i++) s[i] = Math.Clamp(s[i], sl[i], su[i]);
            return s;
        }

        /// <summary>
        /// The subproblem's arrays for n variables, reused from call to call; <see cref="Solve"/> returns
        /// <see cref="S"/>, which the next call overwrites.
        /// </summary>
        public sealed class Workspace(int n)
        {
            /// <summary>The step.</summary>
            public readonly double[] S = new double[n];

            /// <summary>Scratch vectors (n).</summary>
            public readonly double[] Gs = new double[n], D = new double[n], Hd = new double[n], U = new double[n],
                W = new double[n], Hu = new double[n], Hw = new double[n];

            /// <summary>Which variables are fixed on a bound.</summary>
            public readonly bool[] IsFixed = new bool[n];

            /// <summary>Q along the rotation's sample angles.</summary>
            public readonly double[] Samples = new double[RotationSamples + 1];
        }

        private const int RotationSamples = 24;

        /// <summary>
        /// Rotations on the sphere: with u the free part of s and w ⟂ u (‖w‖ = ‖u‖) along the projected −∇Q,
        /// s(θ) = s_fixed + cosθ·u + sinθ·w keeps ‖s‖; Q(s(θ)) is minimized over θ ∈ [0, min(π/2, θ_bound)] by
        /// sampling and a parabolic refinement.
        /// </summary>
        private static void Rotate(double[,] h, double[] s, double[] gs, bool[] isFixed, double[] sl, double[] su,
            double qred, int n, Workspace ws)
        {
            var (u, w, hu, hw) = (ws.U, ws.W, ws.Hu, ws.Hw);
            for (int iter = 0; iter < n; iter++)
            {
                double uu = 0, ug = 0, gg = 0;
                for (int i = 0; i < n; i++)
                {
                    u[i] = isFixed[i] ? 0 : s[i];
                    uu += u[i] * u[i];
                    if (isFixed[i]) continue;
                    ug += u[i] * gs[i];
                    gg += gs[i] * gs[i];
                }
                if (uu <= 0 || gg <= 0) return;
                double ww = 0;
                for (int i = 0; i < n; i++) { w[i] = isFixed[i] ? 0 : -gs[i] + ug / uu * u[i]; ww += w[i] * w[i]; }
                if (ww <= 1e-8 * gg) return;
                double scale = Math.Sqrt(uu / ww);
                for (int i = 0; i < n; i++) w[i] *= scale;
                MatVec(h, u, hu);
                MatVec(h, w, hw);
                double a1 = Dot(gs, u), a2 = Dot(gs, w), b1 = Dot(u, hu), b2 = Dot(u, hw), b3 = Dot(w, hw);
                double Change(double t)
                {
                    double c = Math.Cos(t) - 1, sn = Math.Sin(t);
                    return c * a1 + sn * a2 + 0.5 * (c * c * b1 + 2 * c * sn * b2 + sn * sn * b3);
                }
                double thetaMax = Math.PI / 2;
                int hit = -1;
                for (int i = 0; i < n; i++)
                {
                    if (isFixed[i]) continue;
                    double tu = FirstCrossing(u[i], w[i], su[i]);
                    if (tu < thetaMax) { thetaMax = tu; hit = i; }
                    double tl = FirstCrossing(-u[i], -w[i], -sl[i]);
                    if (tl < thetaMax) { thetaMax = tl; hit = i; }
                }
                if (thetaMax <= 1e-12)
                {
                    if (hit < 0) return;
                    isFixed[hit] = true;
                    continue;
                }
                const int samples = RotationSamples;
                int best = 0;
                double bestVal = 0;
                var vals = ws.Samples;
                for (int j = 1; j <= samples; j++)
                {
                    vals[j] = Change(thetaMax * j / samples);
                    if (vals[j] < bestVal) { bestVal = vals[j]; best = j; }
                }
                if (best == 0) return;
                double theta = thetaMax * best / samples;
                if (best < samples)
                {
                    double v0 = vals[best - 1], v1 = vals[best], v2 = vals[best + 1];
                    double den = v0 - 2 * v1 + v2;
                    if (den > 0)
                    {
                        double t = theta + 0.5 * (v0 - v2) / den * thetaMax / samples;
                        double vt = Change(t);
                        if (vt < bestVal) { theta = t; bestVal = vt; }
                    }
                }
                double cs = Math.Cos(theta), sn = Math.Sin(theta);
                for (int i = 0; i < n; i++)
                {
                    if (isFixed[i]) continue;
                    s[i] = cs * u[i] + sn * w[i];
                    gs[i] += (cs - 1) * hu[i] + sn * hw[i];
                }
                for (int i = 0; i < n; i++) if (isFixed[i]) gs[i] += (cs - 1) * hu[i] + sn * hw[i];
                qred -= bestVal;
                if (best == samples && hit >= 0)
                {
                    s[hit] = Math.Clamp(s[hit], sl[hit], su[hit]);
                    if (s[hit] - sl[hit] < su[hit] - s[hit]) s[hit] = sl[hit]; else s[hit] = su[hit];
                    isFixed[hit] = true;
                    continue;
                }
                if (-bestVal <= 0.01 * qred) return;
            }
        }

        /// <summary>
        /// The least θ ∈ [0, π/2] with a·cosθ + b·sinθ ≥ c, given a ≤ c (+ rounding); +∞ if none. With
        /// R = √(a² + b²) and ψ = atan2(b, a) the left side is R·cos(θ − ψ), which reaches c at θ = ψ − arccos(c/R).
        /// </summary>
        private static double FirstCrossing(double a, double b, double c)
        {
            double r = Math.Sqrt(a * a + b * b);
            if (r <= c) return double.PositiveInfinity;
            if (a >= c) return b > 0 ? 0 : double.PositiveInfinity;
            double psi = Math.Atan2(b, a);
            double theta = psi - Math.Acos(c / r);
            while (theta < 0) theta += 2 * Math.PI;
            return theta <= Math.PI / 2 ? theta : double.PositiveInfinity;
        }

        private static void MatVec(double[,] h, double[] x, double[] y)
        {
            int n = x.Length;
            for (int i = 0; i < n; i++)
            {
                double t = 0;
                for (int j = 0; j < n; j++) t += h[i, j] * x[j];
                y[i] = t;
            }
        }

        private static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int j = 0; j < a.Length; j++) s += a[j] * b[j];
            return s;
        }
    }
}
