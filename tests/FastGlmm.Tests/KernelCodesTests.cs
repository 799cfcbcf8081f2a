using System.Text.RegularExpressions;
using FastGlmm.Families;

namespace FastGlmm.Tests;

/// <summary>The kernels' shared header and the C# enums carry the same stable codes.</summary>
public class KernelCodesTests
{
    private static Dictionary<string, int> HeaderCodes(string prefix)
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "kernels", "fastglmm_codes.h"));
        return Regex.Matches(text, $@"FG_{prefix}_([A-Z][A-Z0-9]*)\s*=\s*(\d+)")
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
    }

    [Fact]
    public void FamilyCodes_MatchHeader()
    {
        var h = HeaderCodes("FAMILY");
        Assert.Equal(Enum.GetValues<FamilyId>().Length, h.Count);
        foreach (var f in Enum.GetValues<FamilyId>()) Assert.Equal((int)f, h[f.ToString().ToUpperInvariant()]);
    }

    [Fact]
    public void LinkCodes_MatchHeader()
    {
        var h = HeaderCodes("LINK");
        Assert.Equal(Enum.GetValues<LinkId>().Length, h.Count);
        foreach (var l in Enum.GetValues<LinkId>()) Assert.Equal((int)l, h[l.ToString().ToUpperInvariant()]);
    }
}
