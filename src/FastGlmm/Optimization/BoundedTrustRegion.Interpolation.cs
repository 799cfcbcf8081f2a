namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    private sealed partial class Solver
    {
        // The model Q(x) = _qc + _gq·(x − c) + ½(x − c)ᵀ_hq(x − c) about c = _center (kept equal to x_opt).
        private double _qc;
        private readonly double[] _gq;
        private readonly double[,] _hq;
        private readonly double[] _center;

        // Scaled displacements y_k = (x_k − x_opt)/_scale (max ‖y_k‖ = 1) and Ω = W⁻¹ for the KKT matrix
        // W = [[A, Yᵀ], [Y, 0]], A_ij = ½(y_i·y_j)², Y = rows [1 … 1] and [y_1 … y_m]; dimension m + n + 1.
        private readonly double[][] _ys;
        private readonly double[,] _omega;
        private double _scale = 1;

        /// <summary>Q(x) with the current model.</summary>
        private double ModelValue(double[] x) => _qc + ModelChange(Difference(x, _center));

        /// <summary>Q(c + d) − Q(c) = g·d + ½dᵀHd.</summary>
        private double ModelChange(double[] d)
        {
            double v = 0;
            for (int i = 0; i < _n; i++)
            {
                double hd = 0;
                for (int j = 0; j < _n; j++) hd += _hq[i, j] * d[j];
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
                var y = new double[_n];
                for (int j = 0; j < _n; j++) y[j] = (_pts[k][j] - c[j]) / scale;
                _ys[k] = y;
            }
            int dim = _m + _n + 1;
            var w = new double[dim, dim];
            for (int i = 0; i < _m; i++)
            {
                for (int k = 0; k < _m; k++) { double t = Dot(_ys[i], _ys[k]); w[i, k] = 0.5 * t * t; }
                w[i, _m] = w[_m, i] = 1;
                for (int j = 0; j < _n; j++) w[i, _m + 1 + j] = w[_m + 1 + j, i] = _ys[i][j];
            }
            if (!DenseLu.TryInvert(w, _omega)) return false;
            _scale = scale;
            return true;
        }

        /// <summary>
        /// Adds to Q the quadratic D of least ‖∇²D‖_F with D(x_k) = f_k − Q(x_k) for every k:
        /// [λ; c; g] = Ω[r; 0; 0], D(y) = c + g·y + ½Σλ_k(y_k·y)² in scaled coordinates.
        /// </summary>
        private void UpdateModel()
        {
            var r = new double[_m];
            for (int k = 0; k < _m; k++) r[k] = _fv[k] - ModelValue(_pts[k]);
            int dim = _m + _n + 1;
            var coef = new double[dim];
            for (int i = 0; i < dim; i++)
            {
                double s = 0;
                for (int k = 0; k < _m; k++) s += _omega[i, k] * r[k];
                coef[i] = s;
            }
            _qc += coef[_m];
            for (int j = 0; j < _n; j++) _gq[j] += coef[_m + 1 + j] / _scale;
            double inv2 = 1 / (_scale * _scale);
            for (int k = 0; k < _m; k++)
            {
                double lk = coef[k] * inv2;
                if (lk == 0) continue;
                var y = _ys[k];
                for (int i = 0; i < _n; i++) for (int j = 0; j < _n; j++) _hq[i, j] += lk * y[i] * y[j];
            }
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
        /// w = (½(y_k·y)², 1, y), y = (x − x_opt)/scale. Replacing point k by x multiplies det W by σ_k = Ω_kk·β + τ_k².
        /// </summary>
        private double[] LagrangeValues(double[] x, out double beta)
        {
            int dim = _m + _n + 1;
            var y = new double[_n];
            for (int j = 0; j < _n; j++) y[j] = (x[j] - _center[j]) / _scale;
            var w = new double[dim];
            for (int k = 0; k < _m; k++) { double t = Dot(_ys[k], y); w[k] = 0.5 * t * t; }
            w[_m] = 1;
            for (int j = 0; j < _n; j++) w[_m + 1 + j] = y[j];
            var tau = new double[dim];
            double wtw = 0;
            for (int i = 0; i < dim; i++)
            {
                double s = 0;
                for (int k = 0; k < dim; k++) s += _omega[i, k] * w[k];
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
                double den = Math.Abs(_omega[k, k] * beta + tau[k] * tau[k]);
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
            int dim = _m + _n + 1;
            var coef = new double[dim];
            double fopt = _fv[_kopt];
            for (int i = 0; i < dim; i++)
            {
                double s = 0;
                for (int k = 0; k < _m; k++) s += _omega[i, k] * (_fv[k] - fopt);
                coef[i] = s;
            }
            double gqsq = 0, gisq = 0;
            var xopt = _pts[_kopt];
            for (int j = 0; j < _n; j++)
            {
                double gi = coef[_m + 1 + j] / _scale, gq = _gq[j];
                if (xopt[j] <= _lo[j]) { gq = Math.Min(0, gq); gi = Math.Min(0, gi); }
                else if (xopt[j] >= _hi[j]) { gq = Math.Max(0, gq); gi = Math.Max(0, gi); }
                gqsq += gq * gq;
                gisq += gi * gi;
            }
            _itest = gqsq < 10 * gisq ? 0 : _itest + 1;
            if (_itest < 3) return;
            _itest = 0;
            _qc = fopt + coef[_m];
            for (int j = 0; j < _n; j++) _gq[j] = coef[_m + 1 + j] / _scale;
            Array.Clear(_hq);
            double inv2 = 1 / (_scale * _scale);
            for (int k = 0; k < _m; k++)
            {
                double lk = coef[k] * inv2;
                var y = _ys[k];
                for (int i = 0; i < _n; i++) for (int j = 0; j < _n; j++) _hq[i, j] += lk * y[i] * y[j];
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
