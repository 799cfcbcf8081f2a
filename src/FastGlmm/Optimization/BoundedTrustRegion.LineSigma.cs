namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    internal sealed partial class Solver
    {
        private LineSigma? _lineSigma;

        /// <summary>
        /// Powell's determinant ratio σ_k(x) = Ω_kk·β(x) + τ_k(x)² (see <see cref="LagrangeValues"/>) along lines
        /// x = x_opt + t·d. In scaled coordinates y(t) = y_opt + t·s, so w(t) = w₀ + t·w₁ + t²·w₂ (w_k = ½(y_k·y)²
        /// is quadratic in t, the y part linear), τ(t) = Ωw₀ + t·Ωw₁ + t²·Ωw₂, and wᵀΩw is a quartic in t whose
        /// coefficients are dot products of the w_p and Ωw_q. One product Ωw₀ serves every line through x_opt and
        /// two more serve all the points of one line, where evaluating σ at each point costs a product each.
        /// </summary>
        private sealed class LineSigma(Solver s)
        {
            private readonly double[] _w0 = new double[s._dim], _v0 = new double[s._dim], _w1 = new double[s._dim],
                _v1 = new double[s._dim], _w2 = new double[s._dim], _v2 = new double[s._dim], _a = new double[s._m],
                _yopt = new double[s._n], _dir = new double[s._n];
            private double _c0, _c1, _c2, _c3, _c4, _yy0, _ys, _ss;

            /// <summary>Fixes the lines' common point x_opt: w₀ = w(x_opt) and Ωw₀.</summary>
            public void Begin(double[] xopt)
            {
                int n = s._n, m = s._m, dim = s._dim;
                for (int j = 0; j < n; j++) _yopt[j] = (xopt[j] - s._base[j]) / s._scale;
                for (int k = 0; k < m; k++) { _a[k] = Dot(s._ys[k], _yopt); _w0[k] = 0.5 * _a[k] * _a[k]; }
                _w0[m] = 1;
                for (int j = 0; j < n; j++) _w0[m + 1 + j] = _yopt[j];
                for (int i = 0; i < dim; i++) _v0[i] = Dense.Dot(s._omega.AsSpan(i * dim, dim), _w0);
                _c0 = Dense.Dot(_w0, _v0);
                _yy0 = Dot(_yopt, _yopt);
            }

            /// <summary>Sets the line's direction d (unscaled, n): w₁, w₂, Ωw₁, Ωw₂ and the quartic's coefficients.</summary>
            public void SetLine(double[] d)
            {
                int n = s._n, m = s._m, dim = s._dim;
                for (int j = 0; j < n; j++) _dir[j] = d[j] / s._scale;
                for (int k = 0; k < m; k++)
                {
                    double b = Dot(s._ys[k], _dir);
                    _w1[k] = _a[k] * b;
                    _w2[k] = 0.5 * b * b;
                }
                _w1[m] = 0;
                for (int j = 0; j < n; j++) _w1[m + 1 + j] = _dir[j];
                for (int i = 0; i < dim; i++)
                {
                    var row = s._omega.AsSpan(i * dim, dim);
                    _v1[i] = Dense.Dot(row, _w1);
                    _v2[i] = Dense.Dot(row[..m], _w2.AsSpan(0, m));
                }
                ReadOnlySpan<double> w2 = _w2.AsSpan(0, m);
                _c1 = Dense.Dot(_w0, _v1) + Dense.Dot(_w1, _v0);
                _c2 = Dense.Dot(_w0, _v2) + Dense.Dot(_w1, _v1) + Dense.Dot(w2, _v0.AsSpan(0, m));
                _c3 = Dense.Dot(_w1, _v2) + Dense.Dot(w2, _v1.AsSpan(0, m));
                _c4 = Dense.Dot(w2, _v2.AsSpan(0, m));
                _ys = Dot(_yopt, _dir);
                _ss = Dot(_dir, _dir);
            }

            /// <summary>σ_k at x_opt + t·d on the current line.</summary>
            public double Sigma(int k, double t)
            {
                double yy = _yy0 + t * (2 * _ys + t * _ss);
                double wOmegaW = _c0 + t * (_c1 + t * (_c2 + t * (_c3 + t * _c4)));
                double beta = 0.5 * yy * yy - wOmegaW;
                double tau = _v0[k] + t * (_v1[k] + t * _v2[k]);
                return s._omega[k * s._dim + k] * beta + tau * tau;
            }
        }
    }
}
