// A .NET 10 file-based app that fits mixed models through the FastGlmm library package.
// From the repository root: `dotnet pack -c Release`, then `dotnet run docs/examples/fit-library.cs`
// (nuget.config beside this file adds the local feed ./nupkg).
#:package FastGlmm@0.9.0

using FastGlmm.Data.Frame;
using FastGlmm.Datasets;
using FastGlmm.Families;
using FastGlmm.Fitting;

// lme4: lmer(Reaction ~ Days + (Days | Subject), sleepstudy)  (REML)
var sleep = ModelFrame.Build(BuiltInDatasets.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
var lmm = MixedModel.Fit(sleep);
Report("sleepstudy LMM (REML)", lmm);

// lme4: glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), cbpp, binomial)  (Laplace)
var cbpp = ModelFrame.Build(BuiltInDatasets.Load("cbpp"), "cbind(incidence, size - incidence) ~ period + (1 | herd)",
    new ModelFrameOptions { Family = FamilySpec.Parse("binomial") });
var glmm = MixedModel.Fit(cbpp, new FitOptions { Reml = false });
Report("cbpp binomial GLMM (Laplace)", glmm);

static void Report(string title, FastGlmm.Model.FitResult fit)
{
    Console.WriteLine($"{title}: logLik = {fit.LogLik:F4}, converged = {fit.Convergence.Converged}");
    for (int j = 0; j < fit.Beta.Length; j++)
        Console.WriteLine($"  {fit.BetaNames[j],-12} {fit.Beta[j],10:F5}  (SE {fit.BetaSe[j]:F5})");
    foreach (var v in fit.VarCorr)
        Console.WriteLine($"  {v.Group} {v.Var1} {v.Var2}: variance {v.Variance:F4}, sd/cor {v.SdOrCorrelation:F4}");
}
