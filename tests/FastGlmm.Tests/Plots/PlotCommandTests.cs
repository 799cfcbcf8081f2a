using FastGlmm.Tests.Cli;

namespace FastGlmm.Tests.Plots;

/// <summary>
/// <c>fastglmm plot</c>: each plot renders for cbpp and sleepstudy as a valid PNG and SVG with the panels, axis texts
/// and number of points the model has; the bootstrap plot of merged shards equals that of the unsharded run; bad
/// input is a one-line error and leaves no file.
/// </summary>
public class PlotCommandTests
{
    private const string Cbpp = "cbind(incidence, size - incidence) ~ period + (1 | herd)";
    private const string Sleep = "Reaction ~ Days + (Days | Subject)";

    private static PlotFiles.Svg Svg(params string[] args)
    {
        string path = CliRunner.TempPath("plot.svg");
        var (code, o, e) = CliRunner.Run([.. args, "--out", path]);
        Assert.True(code == 0, e);
        Assert.Contains("written to " + path, o);
        return PlotFiles.ReadSvg(path);
    }

    [Fact]
    public void Caterpillar_Cbpp_OnePointPerHerd_LabelledByLevel()
    {
        var svg = Svg("plot", "caterpillar", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial");
        Assert.Equal(15, svg.Markers);
        Assert.Contains("herd: (Intercept)", svg.Texts);
        for (int h = 1; h <= 15; h++) Assert.Contains(h.ToString(), svg.Texts);
        Assert.Contains("conditional mode ± 1.96·condsd", svg.Texts);
    }

    [Fact]
    public void Caterpillar_Sleepstudy_PanelPerColumn_PngOfTheDefaultSize()
    {
        var svg = Svg("plot", "caterpillar", "--data", "sleepstudy", "--formula", Sleep);
        Assert.Equal(36, svg.Markers);   // 18 subjects × (intercept, slope)
        Assert.Contains("Subject: (Intercept)", svg.Texts);
        Assert.Contains("Subject: Days", svg.Texts);
        Assert.Contains("conditional mode ± 1.64·condsd", Svg("plot", "caterpillar", "--data", "sleepstudy", "--formula", Sleep, "--level", "0.9").Texts);
        string png = CliRunner.TempPath("cat.png");
        Assert.Equal(0, CliRunner.Run("plot", "caterpillar", "--data", "sleepstudy", "--formula", Sleep, "--out", png).Code);
        Assert.Equal((840, 332), PlotFiles.PngSize(png));
        string sized = CliRunner.TempPath("cat.png");
        Assert.Equal(0, CliRunner.Run("plot", "caterpillar", "--data", "sleepstudy", "--formula", Sleep, "--out", sized, "--width", "1000", "--height", "700").Code);
        Assert.Equal((1000, 700), PlotFiles.PngSize(sized));
    }

    [Fact]
    public void Caterpillar_CrossedScalarTerms_SideBySide()
    {
        string[] args = ["plot", "caterpillar", "--data", "penicillin", "--formula", "diameter ~ 1 + (1 | plate) + (1 | sample)"];
        var svg = Svg(args);
        Assert.Equal(24 + 6, svg.Markers);
        Assert.Contains("plate: (Intercept)", svg.Texts);
        Assert.Contains("sample: (Intercept)", svg.Texts);
        string png = CliRunner.TempPath("pen.png");
        Assert.Equal(0, CliRunner.Run([.. args, "--out", png]).Code);
        Assert.Equal((840, 80 + 14 * 24), PlotFiles.PngSize(png));   // two panels in one row, tall enough for 24 plates
    }

    [Fact]
    public void Residuals_OnePointPerRow()
    {
        var lmm = Svg("plot", "residuals", "--data", "sleepstudy", "--formula", Sleep);
        Assert.Equal(180, lmm.Markers);
        Assert.Contains("Pearson residual", lmm.Texts);
        Assert.Contains("fitted", lmm.Texts);
        Assert.Equal(56, Svg("plot", "residuals", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial").Markers);
    }

    [Fact]
    public void Qq_OnePointPerLevelAndColumn()
    {
        var svg = Svg("plot", "qq", "--data", "sleepstudy", "--formula", Sleep);
        Assert.Equal(36, svg.Markers);
        Assert.Contains("standard normal quantile", svg.Texts);
        Assert.Equal(15, Svg("plot", "qq", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial").Markers);
    }

    [Fact]
    public void Profile_PanelPerParameter_AsLme4NamesThem()
    {
        var lmm = Svg("plot", "profile", "--data", "sleepstudy", "--formula", Sleep);
        foreach (var name in new[] { ".sig01", ".sig02", ".sig03", ".sigma", "(Intercept)", "Days" }) Assert.Contains(name, lmm.Texts);
        Assert.Equal(6 * 17, lmm.Markers);   // 8 points on each side of the estimate, per parameter
        var glmm = Svg("plot", "profile", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial");
        foreach (var name in new[] { ".sig01", "(Intercept)", "period2", "period3", "period4" }) Assert.Contains(name, glmm.Texts);
        Assert.DoesNotContain(".sigma", glmm.Texts);
    }

    [Fact]
    public void Bootstrap_MergedShards_DrawTheUnshardedRun()
    {
        string whole = CliRunner.TempPath("whole.csv");
        string[] boot = ["bootstrap", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "-B", "120", "--seed", "11", "--quiet"];
        Assert.Equal(0, CliRunner.Run([.. boot, "--out", whole]).Code);
        string folder = Path.GetDirectoryName(CliRunner.TempPath("x"))!;
        for (int k = 1; k <= 4; k++)
            Assert.Equal(0, CliRunner.Run([.. boot, "--shard", $"{k}/4", "--out", Path.Combine(folder, $"s{k}.csv")]).Code);
        var a = Svg("plot", "bootstrap", whole);
        var b = Svg("plot", "bootstrap", folder);
        Assert.Equal(a, b, new SvgComparer());
        foreach (var stat in new[] { "(Intercept)", "period2", "period3", "period4", "sd_(Intercept)|herd", "logLik" }) Assert.Contains(stat, a.Texts);
        var one = Svg("plot", "bootstrap", folder, "--stat", "logLik");
        Assert.Contains("logLik", one.Texts);
        Assert.DoesNotContain("period2", one.Texts);
    }

    private sealed class SvgComparer : IEqualityComparer<PlotFiles.Svg>
    {
        public bool Equals(PlotFiles.Svg? x, PlotFiles.Svg? y) =>
            x!.Width == y!.Width && x.Height == y.Height && x.Markers == y.Markers && x.Texts.SequenceEqual(y.Texts);
        public int GetHashCode(PlotFiles.Svg obj) => obj.Width;
    }

    [Theory]
    [InlineData("caterpillar", "has no random effects")]
    [InlineData("qq", "has no random effects")]
    [InlineData("profile", "has no random effects")]
    public void ModelWithoutRandomEffects_IsOneLineError(string kind, string expected)
    {
        string path = CliRunner.TempPath("p.png");
        var (code, _, e) = CliRunner.Run("plot", kind, "--data", "cbpp", "--formula", "cbind(incidence, size - incidence) ~ period", "--family", "binomial", "--out", path);
        Assert.Equal(1, code);
        Assert.Contains(expected, e);
        Assert.Single(e.TrimEnd().Split('\n'));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void BadPaths_AndOptions_AreOneLineErrors()
    {
        string[] fit = ["plot", "caterpillar", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial"];
        string missingDir = Path.Combine(Path.GetDirectoryName(CliRunner.TempPath("x"))!, "no", "such", "dir", "p.png");
        foreach (var (args, expected) in new (string[], string)[]
        {
            ([.. fit, "--out", missingDir], "--out"),
            ([.. fit, "--out", CliRunner.TempPath("p.pdf")], "a plot is written as .png or .svg"),
            ([.. fit, "--out", CliRunner.TempPath("p.png"), "--width", "20"], "between 100 and 20000 pixels"),
            ([.. fit, "--out", CliRunner.TempPath("p.png"), "--level", "1.5"], "--level"),
            (["plot", "bootstrap", CliRunner.TempPath("none.csv"), "--out", CliRunner.TempPath("b.png")], "none.csv"),
        })
        {
            var (code, _, e) = CliRunner.Run(args);
            Assert.True(code == 1, $"{string.Join(' ', args)}: {e}");
            Assert.Contains(expected, e);
            Assert.Single(e.TrimEnd().Split('\n'));
        }
        // An unknown statistic names the ones there are.
        string boot = CliRunner.TempPath("b.csv");
        Assert.Equal(0, CliRunner.Run("bootstrap", "--data", "cbpp", "--formula", Cbpp, "--family", "binomial", "-B", "20", "--seed", "1", "--quiet", "--out", boot).Code);
        var (c2, _, e2) = CliRunner.Run("plot", "bootstrap", boot, "--stat", "nope", "--out", CliRunner.TempPath("b.png"));
        Assert.Equal(1, c2);
        Assert.Contains("--stat nope: the bootstrap has no such statistic; it has (Intercept), period2", e2);
    }
}
