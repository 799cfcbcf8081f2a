namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    /// <summary>What the main loop does next (the labels of Powell's BOBYQA: 60, 650, 680, exit).</summary>
    private enum Stage { TrustRegion, CheckGeometry, ReduceRho, Converged, Limit, StartFailed }

    /// <summary>
    /// One run of the method on the free variables: the interpolation set, the model, ρ and Δ, and the
    /// bookkeeping of Powell's main loop (step counts, the last three model errors).
    /// </summary>
    internal sealed partial class Solver
    {
        private Stage _next;
        private double _used;
        private readonly int _n, _m, _maxEval;
        private readonly double[] _lo, _hi;
        private readonly double _rhoEnd;
        private readonly double[][] _pts;
        private readonly double[] _fv;
        private readonly double[] _x0;
        private int _kopt, _nf;
        private double[] _bestX;
        private double _bestF = double.PositiveInfinity;
        private double _rho, _delta;

        // Main-loop state: ntrits (−1 after a short step, 0 after a geometry step, > 0 counts trust-region
        // steps), the last ratio and step length, the far-point threshold, the model errors of the last
        // three evaluations, and nfsav (the count at the last step longer than ρ or the last change of ρ).
        private int _ntrits, _nfsav;
        private double _ratio = 1, _dnorm, _distsq, _crvmin;
        private double _diffa, _diffb, _diffc;
        private double[] _step;
        private Subproblem.Workspace? _subproblem;

        public Solver(double[] x0, double rhoBegin, double rhoEnd,
            double[] lo, double[] hi, int maxEval, double[,]? modelHessian = null)
        {
            _n = x0.Length; _m = 2 * _n + 1; _maxEval = maxEval;
            _lo = lo; _hi = hi; _rho = rhoBegin; _delta = rhoBegin; _rhoEnd = rhoEnd;
            _x0 = (double[])x0.Clone();
            _bestX = (double[])x0.Clone();
            _pts = new double[_m][];
            _fv = new double[_m];
            _step = new double[_n];
            _gq = new double[_n];
            _hq = modelHessian is null ? new double[_n, _n] : (double[,])modelHessian.Clone();
            _center = new double[_n];
            _base = new double[_n];
            _ys = new double[_m][];
            _dim = _m + _n + 1;
            _omega = new double[_dim * _dim];
            _kkt = new double[_dim * _dim];
            _work = new double[2 * _dim * _dim];
            _wv = new double[_dim];
            _tau = new double[_dim];
            _coef = new double[_dim];
            _yb = new double[_n];
            _gb = new double[_n];
            _resid = new double[_m];
        }

        /// <summary>The result, once <see cref="Steps"/> has finished.</summary>
        public OptimizerResult? Outcome { get; private set; }

        /// <summary>The value of the point <see cref="Steps"/> last yielded; set it before advancing the iterator.</summary>
        public double Told { get; set; } = double.NaN;

        /// <summary>
        /// The method as a sequence of evaluation requests (ask/tell): each yielded point must be evaluated and its
        /// value put in <see cref="Told"/> before the sequence is advanced; when it ends, <see cref="Outcome"/> holds
        /// the result. The sequence of points is the same however the values are computed.
        /// </summary>
        public IEnumerable<double[]> Steps()
        {
            foreach (var x in Initialize()) yield return x;
            var stage = _next;
            while (true)
            {
                IEnumerable<double[]>? work = stage switch
                {
                    Stage.TrustRegion => TrustRegionIteration(),
                    Stage.CheckGeometry => CheckGeometry(),
                    Stage.ReduceRho => ReduceRho(),
                    _ => null,
                };
                if (work is null) break;
                foreach (var x in work) yield return x;
                stage = _next;
            }
            Outcome = stage switch
            {
                Stage.Converged => Result(true, $"converged: trust-region radius rho reached rhoEnd = {_rhoEnd:G3}"),
                Stage.Limit => Result(false, $"stopped: reached the limit of {_maxEval} evaluations"),
                _ => Result(false, "stopped: the objective is not finite at the starting point, or at every "
                    + "trial point near the best point along some coordinate"),
            };
        }

        private double[]? _sl, _su;

        /// <summary>The box as bounds on a step from x_opt, sl = lo − x_opt ≤ d ≤ hi − x_opt (arrays reused by the next call).</summary>
        private (double[] Lower, double[] Upper) StepBounds()
        {
            var xopt = _pts[_kopt];
            var sl = _sl ??= new double[_n];
            var su = _su ??= new double[_n];
            for (int j = 0; j < _n; j++) { sl[j] = _lo[j] - xopt[j]; su[j] = _hi[j] - xopt[j]; }
            return (sl, su);
        }

        private OptimizerResult Result(bool converged, string message) =>
            new((double[])_bestX.Clone(), _bestF, _nf, converged, message);

        /// <summary>Whether another evaluation is allowed; if so it is counted.</summary>
        private bool CanEvaluate()
        {
            if (_nf >= _maxEval) return false;
            _nf++;
            return true;
        }

        /// <summary>The value told for <paramref name="x"/>; records the best finite value.</summary>
        private double Record(double[] x)
        {
            double fx = Told;
            if (double.IsFinite(fx) && fx < _bestF) { _bestF = fx; _bestX = (double[])x.Clone(); }
            return fx;
        }

        /// <summary>
        /// Powell's label 60: solve the bounded trust-region subproblem; a step shorter than ½ρ either ends the
        /// work at this ρ (when the last model errors are small against ⅛ρ²·curvature and the bound tests) or
        /// asks for a geometry check; otherwise f is evaluated, Δ revised from the ratio of actual to predicted
        /// reduction, and the new point replaces the one with the largest weighted update denominator.
        /// </summary>
        private IEnumerable<double[]> TrustRegionIteration()
        {
            var xopt = _pts[_kopt];
            var (sl, su) = StepBounds();
            _step = Subproblem.Solve(_gq, _hq, sl, su, _delta, _subproblem ??= new Subproblem.Workspace(_n), out _crvmin);
            double vquad = ModelChange(_step);
            if (!(vquad < 0)) Array.Clear(_step);
            _dnorm = Math.Min(_delta, Norm(_step));
            if (_dnorm < 0.5 * _rho)
            {
                _ntrits = -1;
                _distsq = 100 * _rho * _rho;
                _next = _nf <= _nfsav + 2 || !ShortStepMeansDone(sl, su) ? Stage.CheckGeometry : Stage.ReduceRho;
                yield break;
            }
            _ntrits++;
            var xnew = Shifted(xopt, _step);
            if (!CanEvaluate()) { _next = Stage.Limit; yield break; }
            yield return xnew;
            double fnew = Record(xnew);
            double fopt = _fv[_kopt];
            fnew = Moderated(fnew, vquad);
            PushError(Math.Abs(fnew - fopt - vquad));
            if (_dnorm > _rho) _nfsav = _nf;
            _ratio = (fnew - fopt) / vquad;
            if (_ratio <= 0.1) _delta = Math.Min(0.5 * _delta, _dnorm);
            else if (_ratio <= 0.7) _delta = Math.Max(0.5 * _delta, _dnorm);
            else _delta = Math.Max(0.5 * _delta, 2 * _dnorm);
            if (_delta <= 1.5 * _rho) _delta = _rho;
            int knew = ChooseReplacement(xnew, fnew < fopt);
            if (knew < 0 || !Replace(knew, xnew, fnew))
            {
                foreach (var x in Rescue()) yield return x;
                yield break;
            }
            MaybeResetModel();
            if (fnew < fopt && fnew <= fopt + 0.1 * vquad) { _next = Stage.TrustRegion; yield break; }
            _distsq = Math.Max(4 * _delta * _delta, 100 * _rho * _rho);
            _next = Stage.CheckGeometry;
        }

        /// <summary>
        /// Powell's test after a short step: the work at this ρ is done when the largest of the last three model
        /// errors is below ⅛ρ²·(least curvature seen by the step) and, for each variable the step leaves on a
        /// bound, the model gradient pushing it there plus ½ρ·H_jj exceeds that error divided by ρ.
        /// </summary>
        private bool ShortStepMeansDone(double[] sl, double[] su)
        {
            double errbig = Math.Max(_diffa, Math.Max(_diffb, _diffc));
            if (_crvmin > 0 && errbig > 0.125 * _rho * _rho * _crvmin) return false;
            double bdtol = errbig / _rho;
            var gnew = ModelGradientAt(_step);
            for (int j = 0; j < _n; j++)
            {
                double bdtest = bdtol;
                if (_step[j] <= sl[j]) bdtest = gnew[j];
                else if (_step[j] >= su[j]) bdtest = -gnew[j];
                if (bdtest < bdtol && bdtest + 0.5 * _hq[j, j] * _rho < bdtol) return false;
            }
            return true;
        }

        /// <summary>
        /// Powell's label 650: if some interpolation point is farther than √distsq from the best one, move the
        /// farthest to a point within ADELT = max(min(dist/10, Δ), ρ) of x_opt where its Lagrange function is
        /// large; otherwise continue with a trust-region step or finish this ρ.
        /// </summary>
        private IEnumerable<double[]> CheckGeometry()
        {
            int knew = -1;
            double far = _distsq;
            for (int k = 0; k < _m; k++)
            {
                double d2 = DistSq(_pts[k], _pts[_kopt]);
                if (d2 > far) { far = d2; knew = k; }
            }
            if (knew >= 0)
            {
                double dist = Math.Sqrt(far);
                if (_ntrits == -1)
                {
                    _delta = Math.Min(0.1 * _delta, 0.5 * dist);
                    if (_delta <= 1.5 * _rho) _delta = _rho;
                }
                _ntrits = 0;
                double adelt = Math.Max(Math.Min(0.1 * dist, _delta), _rho);
                foreach (var x in GeometryIteration(knew, adelt)) yield return x;
                yield break;
            }
            if (_ntrits == -1) _next = Stage.ReduceRho;
            else if (_ratio > 0) _next = Stage.TrustRegion;
            else if (Math.Max(_delta, _dnorm) > _rho) _next = Stage.TrustRegion;
            else _next = Stage.ReduceRho;
        }

        /// <summary>Evaluates the geometry-improving point for <paramref name="knew"/> and puts it in the set.</summary>
        private IEnumerable<double[]> GeometryIteration(int knew, double adelt)
        {
            var d = GeometryStep(knew, adelt);
            var xnew = Shifted(_pts[_kopt], d);
            double vquad = ModelChange(Difference(xnew, _pts[_kopt]));
            if (!CanEvaluate()) { _next = Stage.Limit; yield break; }
            yield return xnew;
            double fnew = Moderated(Record(xnew), vquad);
            PushError(Math.Abs(fnew - _fv[_kopt] - vquad));
            if (Norm(d) > _rho) _nfsav = _nf;
            if (Replace(knew, xnew, fnew)) { _next = Stage.TrustRegion; yield break; }
            foreach (var x in Rescue()) yield return x;
        }

        /// <summary>
        /// Powell's label 680: ρ ← ρ_end if ρ/ρ_end ≤ 16, √(ρ·ρ_end) if ≤ 250, else ρ/10; Δ ← max(ρ_old/2, ρ).
        /// At ρ = ρ_end the run ends, after trying the last short step once if it was never evaluated.
        /// </summary>
        private IEnumerable<double[]> ReduceRho()
        {
            if (_rho <= _rhoEnd)
            {
                if (_ntrits == -1 && Norm(_step) > 0 && CanEvaluate())
                {
                    var last = Shifted(_pts[_kopt], _step);
                    yield return last;
                    Record(last);
                }
                _next = Stage.Converged;
                yield break;
            }
            _delta = 0.5 * _rho;
            double ratio = _rho / _rhoEnd;
            _rho = ratio <= 16 ? _rhoEnd : ratio <= 250 ? Math.Sqrt(ratio) * _rhoEnd : 0.1 * _rho;
            _delta = Math.Max(_delta, _rho);
            _ntrits = 0;
            _nfsav = _nf;
            _next = Stage.TrustRegion;
        }

        /// <summary>
        /// A non-finite f (NaN, ±∞: a failed evaluation) becomes a finite value worse than every interpolation
        /// point, f_max + max(f_max − f_opt, 2|predicted change|, 1e-8(1 + |f_opt|)), so that the model learns that
        /// f rises in that direction and the ratio test shrinks the trust region. Finite values pass unchanged.
        /// </summary>
        private double Moderated(double fx, double predicted)
        {
            if (double.IsFinite(fx)) return fx;
            double fopt = _fv[_kopt], fmax = _fv.Max();
            return fmax + Math.Max(Math.Max(fmax - fopt, 2 * Math.Abs(predicted)), 1e-8 * (1 + Math.Abs(fopt)));
        }

        private void PushError(double e) { _diffc = _diffb; _diffb = _diffa; _diffa = e; }

        /// <summary>x + d projected onto the box (so rounding can never leave it).</summary>
        private double[] Shifted(double[] x, double[] d)
        {
            var r = new double[_n];
            for (int j = 0; j < _n; j++) r[j] = Math.Clamp(x[j] + d[j], _lo[j], _hi[j]);
            return r;
        }

        private static double[] Difference(double[] a, double[] b)
        {
            var r = new double[a.Length];
            for (int j = 0; j < a.Length; j++) r[j] = a[j] - b[j];
            return r;
        }

        private static double Norm(double[] v)
        {
            double s = 0;
            foreach (double t in v) s += t * t;
            return Math.Sqrt(s);
        }

        private static double DistSq(double[] a, double[] b)
        {
            double s = 0;
            for (int j = 0; j < a.Length; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
            return s;
        }
    }
}
