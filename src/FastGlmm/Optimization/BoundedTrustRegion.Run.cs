namespace FastGlmm.Optimization;

public static partial class BoundedTrustRegion
{
    /// <summary>
    /// One minimization driven from outside (<see cref="Start"/>): call <see cref="Ask"/> for the next point
    /// x (n, a fresh array, fixed variables included), evaluate f(x) anywhere, give the value to
    /// <see cref="Tell"/>, and repeat until <see cref="Ask"/> returns null; <see cref="Result"/> then holds the
    /// outcome. Values follow <see cref="Minimize"/>'s rules (a non-finite value is a failed evaluation).
    /// </summary>
    public sealed class TrustRegionRun
    {
        private readonly double[] _full;
        private readonly int[] _free;
        private readonly Solver? _solver;
        private readonly IEnumerator<double[]>? _steps;
        private bool _waiting, _done, _fixedAsked;
        private OptimizerResult? _result;
        private double _fixedValue = double.NaN;

        internal TrustRegionRun(double[] full, int[] free, Solver? solver)
        {
            _full = full;
            _free = free;
            _solver = solver;
            _steps = solver?.Steps().GetEnumerator();
        }

        /// <summary>The next point to evaluate, or null when the run has finished.</summary>
        /// <exception cref="InvalidOperationException">The previous point's value has not been told.</exception>
        public double[]? Ask()
        {
            if (_waiting) throw new InvalidOperationException("tell the value of the last point before asking for another");
            if (_done) return null;
            if (_steps is null)
            {
                // Every variable is fixed by its bounds: one evaluation.
                if (_fixedAsked) { Finish(); return null; }
                _fixedAsked = _waiting = true;
                return (double[])_full.Clone();
            }
            if (!_steps.MoveNext()) { Finish(); return null; }
            _waiting = true;
            var x = (double[])_full.Clone();
            var z = _steps.Current;
            for (int k = 0; k < _free.Length; k++) x[_free[k]] = z[k];
            return x;
        }

        /// <summary>Gives the value f(x) of the point <see cref="Ask"/> returned last.</summary>
        /// <exception cref="InvalidOperationException">No point is waiting for a value.</exception>
        public void Tell(double value)
        {
            if (!_waiting) throw new InvalidOperationException("no point is waiting for a value: call Ask first");
            _waiting = false;
            if (_solver is null) _fixedValue = value;
            else _solver.Told = value;
        }

        /// <summary>True once <see cref="Ask"/> has returned null.</summary>
        public bool Finished => _done;

        /// <summary>The outcome, once the run has finished (the best point in full coordinates).</summary>
        /// <exception cref="InvalidOperationException">The run has not finished.</exception>
        public OptimizerResult Result => _result ?? throw new InvalidOperationException("the run has not finished: Ask until it returns null");

        private void Finish()
        {
            _done = true;
            if (_solver is null)
            {
                _result = double.IsFinite(_fixedValue)
                    ? new OptimizerResult((double[])_full.Clone(), _fixedValue, 1, true, "converged: every variable is fixed by its bounds")
                    : new OptimizerResult((double[])_full.Clone(), double.PositiveInfinity, 1, false,
                        "stopped: the objective is not finite at the starting point");
                return;
            }
            var r = _solver.Outcome!;
            var x = (double[])_full.Clone();
            for (int k = 0; k < _free.Length; k++) x[_free[k]] = r.X[k];
            _result = r with { X = x };
            _steps!.Dispose();
        }
    }
}
