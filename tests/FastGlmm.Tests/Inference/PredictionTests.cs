using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;
using FastGlmm.Inference;
using FastGlmm.Simulation;

namespace FastGlmm.Tests.Inference;

/// <summary>Population, conditional and marginal predictions against lme4, the fit itself and closed forms.</summary>
public class PredictionTests
{
    private static (ModelFrame Frame, FastGlmm.Model.FitResult Fit) Fit(FastGlmm.Data.DataTable data, string formula, string family)
    {
        var frame = ModelFrame.Build(data, formula, new ModelFrameOptions { Family = FamilySpec.Parse(family) });
        return (frame, MixedModel.Fit(frame));
    }

    /// <summary>Φ, via the probit link's inverse (itself tested against R's pnorm).</summary>
    private static double Phi(double x) => Family.For(FamilySpec.Parse("binomial(probit)")).LinkInverse(x);

    [Fact]
    public void Cbpp_PopulationAndConditional_MatchLme4AndTheFittedValues()
    {
        var (frame, fit) = Fit(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial");
        var pop = Prediction.Predict(frame, fit, PredictionLevel.Population, PredictionScale.Link);
        // lme4 1.1-31 (R 4.2.2), gm1 <- glmer(…, cbpp, binomial): predict(gm1, re.form = NA)[1:4] and
        // predict(gm1, type = "response")[1:4] (herd 1, periods 1–4). lme4's default optimum lies up to 8e-4 from
        // the exact one in these sums; glmmTMB 1.1.5's (tests/data/engine_reference.json) is within 1e-5 of ours.
        double[] lme4Pop = [-1.398342864, -2.390267839, -2.526559080, -2.978088278];
        double[] tmbPop = [-1.398532466, -2.390864759, -2.527203764, -2.978846153];
        double[] lme4Cond = [0.30816472414, 0.14177337030, 0.12598555517, 0.08405701185];
        var cond = Prediction.Predict(frame, fit, PredictionLevel.Conditional, PredictionScale.Response);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(lme4Pop[i], pop.Values[i], 1e-3);
            Assert.Equal(tmbPop[i], pop.Values[i], 1e-4);
            Assert.Equal(lme4Cond[i], cond.Values[i], 2e-4);
        }
        Assert.Equal(fit.InputRows, pop.InputRows);
        // Conditional means on the response scale are the fitted values.
        for (int i = 0; i < fit.Fitted.Length; i++) Assert.Equal(fit.Fitted[i], cond.Values[i], 1e-10);
    }

    [Fact]
    public void Sleepstudy_Lmm_ConditionalIsFitted_MarginalIsPopulation()
    {
        var (frame, fit) = Fit(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)", "gaussian");
        var cond = Prediction.Predict(frame, fit, PredictionLevel.Conditional, PredictionScale.Response);
        for (int i = 0; i < fit.Fitted.Length; i++) Assert.Equal(fit.Fitted[i], cond.Values[i], 1e-8);
        // Identity link: averaging over b changes nothing.
        var pop = Prediction.Predict(frame, fit, PredictionLevel.Population, PredictionScale.Response);
        var marg = Prediction.Predict(frame, fit, PredictionLevel.Marginal, PredictionScale.Response);
        for (int i = 0; i < pop.Values.Length; i++) Assert.Equal(pop.Values[i], marg.Values[i], 1e-9);
        // lme4 1.1-31: fixef(lmer(Reaction ~ Days + (Days | Subject), sleepstudy)) = (251.40510485, 10.46728596);
        // row 1 has Days = 0, row 10 Days = 9.
        Assert.Equal(251.40510485, pop.Values[0], 1e-4);
        Assert.Equal(251.40510485 + 9 * 10.46728596, pop.Values[9], 1e-4);
    }

    [Fact]
    public void PoissonLog_RandomSlope_MarginalIsTheLognormalMean()
    {
        // E[exp(η + zb)] = exp(η + s²/2) with s² = σ₀² + 2ρσ₀σ₁x + σ₁²x², built here from VarCorr (SDs and correlation).
        var data = SyntheticData.Generate(600, 30, SyntheticResponse.Poisson, seed: 77, beta0: 0.5, beta1: 0.3, sdIntercept: 0.6, sdSlope: 0.4);
        var (frame, fit) = Fit(data, "y ~ x + (1 + x | g)", "poisson");
        var pop = Prediction.Predict(frame, fit, PredictionLevel.Population, PredictionScale.Link);
        var marg = Prediction.Predict(frame, fit, PredictionLevel.Marginal, PredictionScale.Response);
        var vc = fit.VarCorr;
        double s0 = vc.Single(e => e.Var1 == "(Intercept)" && e.Var2 is null).SdOrCorrelation;
        double s1 = vc.Single(e => e.Var1 == "x" && e.Var2 is null).SdOrCorrelation;
        double rho = vc.Single(e => e.Var2 is not null).SdOrCorrelation;
        Assert.True(data.TryGetColumn("x", out var xc));
        var x = ((FastGlmm.Data.NumericColumn)xc).Values;
        for (int k = 0; k < pop.Values.Length; k++)
        {
            double xi = x[pop.InputRows[k]];
            double s2 = s0 * s0 + 2 * rho * s0 * s1 * xi + s1 * s1 * xi * xi;
            double expected = Math.Exp(pop.Values[k] + s2 / 2);
            Assert.Equal(expected, marg.Values[k], 1e-10 * expected);
        }
    }

    [Fact]
    public void Probit_MarginalIsPhiOfAttenuatedEta()
    {
        // E[Φ(η + s x)] = Φ(η/√(1 + s²)).
        var (frame, fit) = Fit(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial(probit)");
        var pop = Prediction.Predict(frame, fit, PredictionLevel.Population, PredictionScale.Link);
        var marg = Prediction.Predict(frame, fit, PredictionLevel.Marginal, PredictionScale.Response);
        double s = fit.Theta[0];
        for (int i = 0; i < pop.Values.Length; i++)
            Assert.Equal(Phi(pop.Values[i] / Math.Sqrt(1 + s * s)), marg.Values[i], 1e-11);
    }

    [Fact]
    public void Logit_Marginal_MatchesBruteForceIntegral_AndIsAttenuated()
    {
        var (frame, fit) = Fit(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial");
        var pop = Prediction.Predict(frame, fit, PredictionLevel.Population, PredictionScale.Link);
        var marg = Prediction.Predict(frame, fit, PredictionLevel.Marginal, PredictionScale.Response);
        var margLink = Prediction.Predict(frame, fit, PredictionLevel.Marginal, PredictionScale.Link);
        double s = fit.Theta[0];
        for (int i = 0; i < 4; i++)
        {
            // Trapezoid rule on [−12, 12] with 24 001 points (the integrand is smooth and negligible beyond).
            double sum = 0, h = 1e-3;
            for (int k = -12_000; k <= 12_000; k++)
            {
                double xk = k * h, w = k == -12_000 || k == 12_000 ? 0.5 : 1;
                sum += w * h * Math.Exp(-0.5 * xk * xk) / Math.Sqrt(2 * Math.PI) / (1 + Math.Exp(-(pop.Values[i] + s * xk)));
            }
            Assert.Equal(sum, marg.Values[i], 1e-9);
            // The population-averaged log-odds are shrunk towards 0 relative to the cluster-specific ones.
            Assert.True(Math.Abs(margLink.Values[i]) < Math.Abs(pop.Values[i]));
        }
    }

    [Fact]
    public void FitFromAnotherFrame_IsRefused()
    {
        var (_, fit) = Fit(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial");
        var other = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ 1 + (1 | herd)",
            new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
        var e = Assert.Throws<UserInputException>(() => Prediction.Predict(other, fit, PredictionLevel.Population, PredictionScale.Link));
        Assert.Contains("does not belong", e.Message);
    }
}
