using FastGlmm.Data.Frame;
using FastGlmm.Likelihood;
using FastGlmm.Model;

namespace FastGlmm.Fitting;

public static partial class MixedModel
{
    private static FitResult Assemble(ModelFrame frame, GlmmProblem prob, FinalStateResult fs, double[] u, string method, int nagq,
        double[] theta, double[] beta, double? sigma, double[] se, string seMethod, double[]? seHessian,
        double logLik, int df, ConvergenceReport convergence)
    {
        int n = frame.RowCount, p = beta.Length;
        double s2 = sigma is { } s ? s * s : 1;
        var vcov = new double[p * p];
        if (seMethod == "rx") Array.Copy(fs.VcovRX, vcov, vcov.Length);
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in frame.RandomTerms) groups.TryAdd(t.Group, t.LevelCount);
        return new FitResult
        {
            Formula = frame.Formula.Text,
            Family = frame.Family.ToString(),
            Method = method,
            Nagq = nagq,
            Backend = "cpu",
            Nobs = n,
            BetaNames = frame.X.ColumnNames,
            Beta = beta,
            BetaSe = se,
            BetaSeMethod = seMethod,
            BetaSeHessian = seHessian,
            BetaSeRX = Enumerable.Range(0, p).Select(j => Math.Sqrt(fs.VcovRX[j * p + j])).ToArray(),
            BetaCovariance = vcov,
            ThetaNames = prob.Layout.Names,
            Theta = theta,
            Sigma = sigma,
            VarCorr = VarCorr(frame, prob.Layout, theta, s2, sigma),
            LogLik = logLik,
            Deviance = -2 * logLik,
            DevianceResidualSum = fs.DevianceSum,
            Df = df,
            DfResidual = n - df,
            Aic = -2 * logLik + 2 * df,
            Bic = -2 * logLik + df * Math.Log(n),
            GroupLevels = groups,
            RandomEffects = fs.RandomEffects,
            Rows = new FitRows(prob, fs.Factors, beta, u, Math.Sqrt(s2)),
            Convergence = convergence,
            FrameMessages = frame.Messages,
        };
    }

    /// <summary>
    /// lme4's as.data.frame(VarCorr): per term its variances, then its covariances; then the residual.
    /// A grouping factor that carries several terms is named g, g.1, g.2, … as lme4 does.
    /// </summary>
    private static List<VarCorrEntry> VarCorr(ModelFrame frame, ThetaLayout layout, double[] theta, double s2, double? sigma)
    {
        var rows = new List<VarCorrEntry>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int t = 0; t < layout.TermCount; t++)
        {
            int q = layout.Columns(t);
            var cov = layout.Covariance(theta, t, s2);
            var (sd, cor) = layout.SdCorrelation(theta, t, s2);
            var names = frame.RandomTerms[t].ColumnNames;
            // lme4 names a repeated grouping factor Subject, Subject.1, ... in VarCorr.
            string g0 = frame.RandomTerms[t].Group;
            int k = seen.GetValueOrDefault(g0);
            seen[g0] = k + 1;
            string g = k == 0 ? g0 : $"{g0}.{k}";
            for (int i = 0; i < q; i++) rows.Add(new VarCorrEntry(g, names[i], null, cov[i * q + i], sd[i]));
            for (int i = 0; i < q; i++)
                for (int j = i + 1; j < q; j++)
                    rows.Add(new VarCorrEntry(g, names[i], names[j], cov[j * q + i], cor[j * q + i]));
        }
        if (sigma is { } s) rows.Add(new VarCorrEntry("Residual", null, null, s * s, s));
        return rows;
    }
}
