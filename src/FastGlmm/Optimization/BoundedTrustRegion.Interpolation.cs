using System.Runtime.InteropServices;

namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    internal sealed partial class Solver
    {
        // The model Q(x) = _qc + _gq·(x − c) + ½(x − c)ᵀ_hq(x − c) about c = _center (kept equal to x_opt).
        private double _qc;
        private readonly double[] _gq;
        private readonly double[,] _hq;
        private readonly double[] _center;

        // Scaled displacements y_k = (x_k − _base)/_scale and Ω = W⁻¹ (row-major,
        // _dim × _dim) for the KKT matrix W = [[A, Yᵀ], [Y, 0]], A_ij = ½(y_i·y_j)², Y = rows [1 … 1] and
        // [y_1 … y_m]; _dim = m + n + 1. _kkt and _work are the rebuild's scratch; _yb, _wv and _tau the
        // Lagrange-value scratch (y, w and Ωw of one candidate); _gb a gradient at the model centre. A rebuild sets _base = x_opt and _scale so that
        // max ‖y_k‖ = 1; replacements then update Ω in O(_dim²) about that fixed base, even when x_opt moves,
        // until x_opt drifts far from the base or the set shrinks well below the scale.
        private readonly double[][] _ys;
        private readonly double[] _base;
        private readonly double[] _omega, _kkt, _work, _wv, _tau, _yb, _gb, _coef, _resid;
        private readonly int _dim;
        private double _scale = 1;

        /// <summary>Q(x) with the current model.</summary>
        private double ModelValue(double[] x)
        {
            Span<double> d = _n <= 128 ? stackalloc double[_n] : new double[_n];
            for (int j = 0; j < _n; j++) d[j] = x[j] - _center[j];
            return _qc + ModelChange(d);
        }

        /// <summary>The model Hessian as a flat row-major span (n²).</summary>
        private Span<double> Hessian => MemoryMarshal.CreateSpan(ref _hq[0, 0], _n * _n);

        /// <summary>Q(c + d) − Q(c) = g·d + ½dᵀHd.</summary>
        private double ModelChange(ReadOnlySpan<double> d)
        {
            ReadOnlySpan<double> h = Hessian;
            double v = 0;
            for (int i = 0; i < _n; i++)
            {
                var row = h.Slice(i * _n, _n);
                double hd = 0;
                for (int j = 0; j < row.Length; j++) hd += row[j] * d[j];
                v += d[i] * (_gq[i] + 0.5 * hd);
            }
            return v;
        }

        /// <summary>∇Q(c + d) = g + Hd.</summary>
        private double[] ModelGradientAt(double[] d)
        {
            var r = (double[])_gq.Clone();
            for (int i = 0; i < _n; i++) for (int j = 0; j < _n; j++) r[i] += _hq[i, j] * d[j];
            return r;
        }

        /// <summary>Moves the model's centre to x_opt: c ← Q(x_opt), g ← g + H(x_opt − c_old).</summary>
        private void Recenter()
        {
            var d = Difference(_pts[_kopt], _center);
            _qc += ModelChange(d);
            var g = ModelGradientAt(d);
            Array.Copy(g, _gq, _n);
            Array.Copy(_pts[_kopt], _center, _n);
        }

        /// <summary>
        /// Recomputes the scaled displacements about x_opt and Ω = W⁻¹; false when W is numerically singular
        /// (the interpolation set has degenerated).
        /// </summary>
        private bool Rebuild()
        {
            var c = _pts[_kopt];
            double scale = 0;
            for (int k = 0; k < _m; k++) scale = Math.Max(scale, Math.Sqrt(DistSq(_pts[k], c)));
            if (!(scale > 0)) return false;
            for (int k = 0; k < _m; k++)
            {
                var y = _ys[k] ??= new double[_n];
                for (int j = 0; j < _n; j++) y[j] = (_pts[k][j] - c[j]) / scale;
            }
            int dim = _dim;
            var w = _kkt;
            Array.Clear(w);
            for (int i = 0; i < _m; i++)
            {
                for (int k = 0; k < _m; k++) { double t = Dot(_ys[i], _ys[k]); w[i * dim + k] = 0.5 * t * t; }
                w[i * dim + _m] = w[_m * dim + i] = 1;
                for (int j = 0; j < _n; j++) w[i * dim + _m + 1 + j] = w[(_m + 1 + j) * dim + i] = _ys[i][j];
            }
            if (!DenseLu.TryInvert(w, dim, _omega, _work)) return false;
            _scale = scale;
            Array.Copy(c, _base, _n);
            return true;
        }

        /// <summary>
        /// Replaces point t by x (already in _pts) in Ω with Powell's updating formula instead of a new inverse:
        /// with w = w(x), v = Ωw, α = Ω_tt, τ = v_t, β = ½‖y‖⁴ − wᵀΩw and σ = αβ + τ²,
        /// Ω ← Ω + σ⁻¹[α(e_t − v)(e_t − v)ᵀ − β(Ωe_t)(Ωe_t)ᵀ + τ((Ωe_t)(e_t − v)ᵀ + (e_t − v)(Ωe_t)ᵀ)], O(dim²).
        /// False (nothing changed) when σ is too small against its terms for the update to be accurate, when the
        /// set about x_opt has shrunk below a quarter of the scale, or when x_opt lies farther from the base than
        /// twice the set's radius (then a rebuild re-bases and rescales).
        /// </summary>
        private bool TryUpdateOmega(int t, double[] x)
        {
            var v = LagrangeValues(x, out double beta);
            int dim = _dim;
            double alpha = _omega[t * dim + t], tau = v[t], sigma = alpha * beta + tau * tau;
            if (!double.IsFinite(sigma) || !(Math.Abs(sigma) > 1e-8 * (Math.Abs(alpha * beta) + tau * tau))) return false;
            double radius = 0, opt = 0;
            for (int j = 0; j < _n; j++) { double yo = (_pts[_kopt][j] - _base[j]) / _scale; opt += yo * yo; }
            for (int k = 0; k < _m; k++)
            {
                double d2 = 0;
                for (int j = 0; j < _n; j++) { double e = (_pts[k][j] - _pts[_kopt][j]) / _scale; d2 += e * e; }
                radius = Math.Max(radius, d2);
            }
            if (radius < 1.0 / 16 || opt > 4 * radius) return false;
            // _wv ← e_t − v; _coef ← Ωe_t (a copy of column t, which the update overwrites).
            for (int i = 0; i < dim; i++) { _wv[i] = (i == t ? 1 : 0) - v[i]; _coef[i] = _omega[i * dim + t]; }
            double inv = 1 / sigma;
            for (int i = 0; i < dim; i++)
            {
                double ui = _wv[i], hi = _coef[i];
                double a = inv * (alpha * ui + tau * hi), b = inv * (tau * ui - beta * hi);
                Dense.AddScaled(_omega.AsSpan(i * dim, dim), a, _wv, b, _coef);
            }
            Array.Copy(_yb, _ys[t], _n);
            return true;
        }

        /// <summary>
        /// Adds to Q the quadratic D of least ‖∇²D‖_F with D(x_k) = f_k − Q(x_k) for every k:
        /// [λ; c; g] = Ω[r; 0; 0], D(y) = c + g·y + ½Σλ_k(y_k·y)² in scaled coordinates.
        /// </summary>
        private void UpdateModel()
        {
            var r = _resid;
            for (int k = 0; k < _m; k++) r[k] = _fv[k] - ModelValue(_pts[k]);
            int dim = _dim;
            var coef = _coef;
            for (int i = 0; i < dim; i++) coef[i] = Dense.Dot(_omega.AsSpan(i * dim, _m), r);
            _qc += InterpolantAtCenter(coef, _gb);
            for (int j = 0; j < _n; j++) _gq[j] += _gb[j];
            double inv2 = 1 / (_scale * _scale);
            for (int k = 0; k < _m; k++)
            {
                double lk = coef[k] * inv2;
                if (lk == 0) continue;
                var y = _ys[k];
                AddRankOne(lk, y);
            }
        }

        /// <summary>H ← H + λ·y yᵀ.</summary>
        private void AddRankOne(double lambda, double[] y)
        {
            var h = Hessian;
            for (int i = 0; i < _n; i++)
            {
                var row = h.Slice(i * _n, _n);
                double a = lambda * y[i];
                for (int j = 0; j < row.Length; j++) row[j] += a * y[j];
            }
        }

        /// <summary>
        /// For a function with KKT coefficients (λ_1..λ_m, c, g) — F(y) = c + g·y + ½Σ_k λ_k(y_k·y)² about the base —
        /// returns F at the model centre y_c = (c_x − base)/scale and writes ∂F/∂x there, (g + Σ_k λ_k(y_k·y_c)y_k)/scale,
        /// into <paramref name="gradient"/> (length n).
        /// </summary>
        private double InterpolantAtCenter(ReadOnlySpan<double> coef, double[] gradient)
        {
            Span<double> yc = stackalloc double[_n];
            for (int j = 0; j < _n; j++) { yc[j] = (_center[j] - _base[j]) / _scale; gradient[j] = coef[_m + 1 + j]; }
            double value = coef[_m];
            for (int j = 0; j < _n; j++) value += coef[_m + 1 + j] * yc[j];
            for (int k = 0; k < _m; k++)
            {
                if (coef[k] == 0) continue;
                var y = _ys[k];
                double t = 0;
                for (int j = 0; j < _n; j++) t += y[j] * yc[j];
                value += 0.5 * coef[k] * t * t;
                for (int j = 0; j < _n; j++) gradient[j] += coef[k] * t * y[j];
            }
            for (int j = 0; j < _n; j++) gradient[j] /= _scale;
            return value;
        }

        /// <summary>
        /// Replaces point <paramref name="knew"/> by (x, fx), moves x_opt if fx is lower, and updates Ω and the
        /// model; if the new set is singular the replacement is undone and false returned.
        /// </summary>
        private bool Replace(int knew, double[] x, double fx)
        {
            var oldX = _pts[knew];
            double oldF = _fv[knew];
            int oldKopt = _kopt;
            _pts[knew] = x;
            _fv[knew] = fx;
            if (knew == _kopt) { for (int k = 0; k < _m; k++) if (_fv[k] < _fv[_kopt]) _kopt = k; }
            else if (fx < _fv[_kopt]) _kopt = knew;
            // Ω takes the cheap rank-two update about its fixed base; the model moves its centre to x_opt.
            if (TryUpdateOmega(knew, x)) { Recenter(); UpdateModel(); return true; }
            Recenter();
            if (Rebuild()) { UpdateModel(); return true; }
            _pts[knew] = oldX;
            _fv[knew] = oldF;
            _kopt = oldKopt;
            Recenter();
            Rebuild();
            return false;
        }

        /// <summary>
        /// For a candidate x: τ = Ωw (τ_k = ℓ_k(x), the Lagrange functions) and β = ½‖y‖⁴ − wᵀΩw, where
        /// w = (½(y_k·y)², 1, y), y = (x − base)/scale. Replacing point k by x multiplies det W by σ_k = Ω_kk·β + τ_k².
        /// The returned τ (and w, y) live in scratch buffers that the next call overwrites.
        /// </summary>
        private double[] LagrangeValues(double[] x, out double beta)
        {
            int dim = _dim;
            var y = _yb;
            for (int j = 0; j < _n; j++) y[j] = (x[j] - _base[j]) / _scale;
            var w = _wv;
            for (int k = 0; k < _m; k++) { double t = Dot(_ys[k], y); w[k] = 0.5 * t * t; }
            w[_m] = 1;
            for (int j = 0; j < _n; j++) w[_m + 1 + j] = y[j];
            var tau = _tau;
            double wtw = 0;
            for (int i = 0; i < dim; i++)
            {
                double s = Dense.Dot(_omega.AsSpan(i * dim, dim), w);
                tau[i] = s;
                wtw += w[i] * s;
            }
            double yy = Dot(y, y);
            beta = 0.5 * yy * yy - wtw;
            return tau;
        }

        /// <summary>
        /// Powell's choice of the point to drop after a trust-region step: maximize |σ_k|·max(1, (‖x_k − x_ref‖²/Δ²)²),
        /// x_ref = x_new if f decreased (x_opt may then go) else x_opt (which is kept). −1 if every σ_k is 0.
        /// </summary>
        private int ChooseReplacement(double[] xnew, bool improved)
        {
            var tau = LagrangeValues(xnew, out double beta);
            var reference = improved ? xnew : _pts[_kopt];
            double delsq = _delta * _delta, best = 0;
            int knew = -1;
            for (int k = 0; k < _m; k++)
            {
                if (!improved && k == _kopt) continue;
                double den = Math.Abs(_omega[k * _dim + k] * beta + tau[k] * tau[k]);
                double q = DistSq(_pts[k], reference) / delsq;
                double score = Math.Max(1, q * q) * den;
                if (score > best) { best = score; knew = k; }
            }
            return knew;
        }

        private int _itest;

        /// <summary>
        /// Powell's safeguard after a trust-region step: if for three steps in a row the projected gradient at x_opt
        /// of the least-Frobenius-norm interpolant of f itself (‖∇²‖_F minimal, not the change) is under √10 times
        /// shorter than the model's, the model is replaced by that interpolant (its Hessian built from scratch).
        /// </summary>
        private void MaybeResetModel()
        {
            int dim = _dim;
            var coef = _coef;
            double fopt = _fv[_kopt];
            var r = _resid;
            for (int k = 0; k < _m; k++) r[k] = _fv[k] - fopt;
            for (int i = 0; i < dim; i++) coef[i] = Dense.Dot(_omega.AsSpan(i * dim, _m), r);
            double gqsq = 0, gisq = 0;
            var xopt = _pts[_kopt];
            var gint = _gb;
            double vint = InterpolantAtCenter(coef, gint);
            for (int j = 0; j < _n; j++)
            {
                double gi = gint[j], gq = _gq[j];
                if (xopt[j] <= _lo[j]) { gq = Math.Min(0, gq); gi = Math.Min(0, gi); }
                else if (xopt[j] >= _hi[j]) { gq = Math.Max(0, gq); gi = Math.Max(0, gi); }
                gqsq += gq * gq;
                gisq += gi * gi;
            }
            _itest = gqsq < 10 * gisq ? 0 : _itest + 1;
            if (_itest < 3) return;
            _itest = 0;
            _qc = fopt + vint;
            for (int j = 0; j < _n; j++) _gq[j] = gint[j];
            Array.Clear(_hq);
            double inv2 = 1 / (_scale * _scale);
            for (int k = 0; k < _m; k++)
            {
                double lk = coef[k] * inv2;
                var y = _ys[k];
                AddRankOne(lk, y);
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
