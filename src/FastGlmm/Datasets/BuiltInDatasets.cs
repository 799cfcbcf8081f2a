using FastGlmm.Data;
using FastGlmm.Data.Csv;

namespace FastGlmm.Datasets;

/// <summary>One built-in data set: its name, a description and its classic model.</summary>
public sealed record DatasetInfo(string Name, int Rows, string Description, string Formula, string Family);

/// <summary>
/// The data sets shipped inside the library as embedded resources, like R's <c>data()</c>. Each is a
/// CSV with the factor level order R had (see <c>Datasets/data/PROVENANCE.md</c>).
/// </summary>
public static class BuiltInDatasets
{
    /// <summary>The built-in data sets with their classic models.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } =
    [
        new("bacteria", 220, "H. influenzae in children, MASS (binary, 50 children)", "y2 ~ trt + I(week > 2) + (1 | ID)", "binomial"),
        new("cbpp", 56, "Contagious bovine pleuropneumonia, lme4 (binomial counts, 15 herds)", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial"),
        new("epil", 236, "Epileptic seizure counts, MASS (Thall & Vail 1990)", "y ~ lbase * trt + lage + V4 + (1 | subject)", "poisson"),
        new("insteval", 73421, "University lecture evaluations, lme4 InstEval (crossed students × lecturers × departments)", "y ~ service + (1 | s) + (1 | d) + (1 | dept)", "gaussian"),
        new("owls", 599, "Barn owl nestling begging calls, glmmTMB Owls (Roulin & Bersier 2007; overdispersed, zero-inflated counts, 27 nests)",
            "SiblingNegotiation ~ FoodTreatment * SexParent + offset(logBroodSize) + (1 | Nest)", "nbinom2"),
        new("penicillin", 144, "Penicillin assay, lme4 (crossed plate × sample)", "diameter ~ 1 + (1 | plate) + (1 | sample)", "gaussian"),
        new("salamander", 360, "Salamander mating, McCullagh & Nelder (crossed, binary)", "Mate ~ 0 + Cross + (1 | Female) + (1 | Male)", "binomial"),
        new("sleepstudy", 180, "Reaction times under sleep deprivation, lme4", "Reaction ~ Days + (Days | Subject)", "gaussian"),
    ];

    /// <summary>True when <paramref name="name"/> names a built-in data set.</summary>
    public static bool Contains(string name) => All.Any(d => d.Name == name);

    /// <summary>Loads a built-in data set with its factor level order applied.</summary>
    public static DataTable Load(string name)
    {
        if (!Contains(name))
            throw new UserInputException($"no built-in data set '{UserText.Clip(name)}' (available: {string.Join(", ", All.Select(d => d.Name))})");
        var asm = typeof(BuiltInDatasets).Assembly;
        using var csv = asm.GetManifestResourceStream($"FastGlmm.Datasets.{name}.csv")
            ?? throw new InvalidOperationException($"resource for data set {name} is missing");
        var table = CsvReader.Read(csv, name);
        using var lv = asm.GetManifestResourceStream($"FastGlmm.Datasets.{name}.levels.json");
        return lv is null ? table : table.WithLevels(LevelsFile.Parse(lv, name + ".levels.json"));
    }
}
