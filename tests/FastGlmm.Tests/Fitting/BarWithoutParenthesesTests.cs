using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Fitting;

namespace FastGlmm.Tests.Fitting;

/// <summary>A random-effects bar without parentheses fits the model lme4 reads from it.</summary>
public class BarWithoutParenthesesTests
{
    [Fact]
    public void SleepstudyBareBar_MatchesLme4()
    {
        // lme4 1.1-31 (R 4.2.2): m <- lmer(Reaction ~ Days | Subject, sleepstudy) with bobyqa run to rhoend = 1e-12:
        // REMLcrit(m) = 1769.8449038587, fixef(m) = 257.761774635 (the intercept only: '|' binds loosest, so Days is
        // a random slope and not a fixed effect). lme4's default stop gives 257.7621684, 4e-4 away on a flat ridge.
        var fit = MixedModel.Fit(ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days | Subject"));
        Assert.Equal(["(Intercept)"], fit.BetaNames);
        Assert.Equal(257.761774635, fit.Beta[0], 1e-4);
        Assert.Equal(1769.84490386, -2 * fit.LogLik, 1e-6);
    }
}
