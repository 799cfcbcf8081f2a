using CsCheck;

namespace FastGlmm.Tests.Properties;

/// <summary>
/// Generates fastglmm command lines: a command, then options drawn with values that are valid, out of range,
/// malformed or meant for another option, in any order. Counts stay small enough that a valid line runs in
/// milliseconds (replicate and simulation counts of at most 3), except those that a size limit must refuse.
/// </summary>
internal static class CliArgsGen
{
    private const string Dir = "{dir}";

    private static readonly Gen<string[]> Commands = Gen.Frequency<string[]>(
        (8, ["fit"]), (4, ["predict"]), (5, ["bootstrap"]), (2, ["bootstrap", "merge"]), (4, ["simulate"]), (5, ["compare"]),
        (2, ["describe"]), (2, ["simulate-data"]), (1, ["datasets"]), (1, []), (1, ["fitt"]), (1, ["--help"]), (1, ["--version"]));

    private static readonly string[] Formulas =
    [
        "Reaction ~ Days + (1 | Subject)", "Reaction ~ Days + (Days | Subject)", "Reaction ~ Days + (Days || Subject)",
        "cbind(incidence, size - incidence) ~ period + (1 | herd)", "incidence ~ period + (1 | herd)", "Reaction ~ Days",
        "y ~ x + (1 | g)", "y ~", "~ Days", "", "Reaction ~ Days + (1 | Subject) + (1 | Days)", "Reaction ~ (1 | Subject)",
        "Reaction ~ Days + (1 | nope)", "Reaction ~ ((", "log(Reaction) ~ poly(Days, 2) + (1 | Subject)",
    ];

    private static readonly (string Option, string[] Values)[] Options =
    [
        ("--data", ["sleepstudy", "cbpp", "sleepstudy", "cbpp", $"{Dir}/data.csv", $"{Dir}/missing.csv", "", Dir, "grouseticks", "nope"]),
        ("--formula", Formulas),
        ("--family", ["gaussian", "binomial", "poisson", "Gamma", "binomial(link = \"probit\")", "poisson(log", "foo", ""]),
        ("--nagq", ["0", "1", "2", "5", "101", "-1", "abc", "2147483648"]),
        ("--method", ["laplace", "mcml", "x"]),
        ("--m", ["1", "10", "100", "0", "-5", "2147483647", "1e3"]),
        ("--seed", ["1", "0", "-1", "18446744073709551615", "18446744073709551616", "x"]),
        ("-B", ["1", "2", "3", "0", "-1", "x", "2147483648", "20000000"]),
        ("--nsim", ["1", "2", "0", "-1", "2147483647", "1e3"]),
        ("--shard", ["1/2", "2/2", "0/2", "3/2", "a/b", "1/0", "", "1/3000000000"]),
        ("--out", [$"{Dir}/out.csv", $"{Dir}/out.json", $"{Dir}/missing/out.csv", Dir, $"{Dir}/out.txt", ""]),
        ("--json", [$"{Dir}/fit.json", $"{Dir}/missing/fit.json", Dir, ""]),
        ("--confint", ["profile", "Wald", "boot", ""]),
        ("--confint-level", ["0.95", "0", "1", "1.5", "0.9999999999999999", "NaN", "abc"]),
        ("--level", ["0.95", "0", "1", "-0.5", "x"]),
        ("--levels", ["Subject=308,309", "period=4,3,2,1", "x=a", "=", "Subject=", "Days=0,1"]),
        ("--levels-file", [$"{Dir}/levels.json", $"{Dir}/bad.json", $"{Dir}/missing.json"]),
        ("--factor", ["Days", "Subject", "nope", "period"]),
        ("--weights", ["Days", "nope", "Subject", "size", "Reaction"]),
        ("--backend", ["cpu", "auto", "gpu", ""]),
        ("--newdata", ["sleepstudy", "cbpp", $"{Dir}/data.csv", $"{Dir}/missing.csv"]),
        ("--small", Formulas),
        ("--large", Formulas),
        ("--pb", ["0", "1", "2", "-1", "2147483647"]),
        ("--scale", ["response", "link", "x"]),
        ("--resume", [$"{Dir}/out.csv", $"{Dir}/out.csv.partial", $"{Dir}/missing.csv", $"{Dir}/data.csv"]),
        ("--fitted", [$"{Dir}/fitted.csv", $"{Dir}/missing/f.csv", Dir, ""]),
        ("--ranef", [$"{Dir}/ranef.csv", $"{Dir}/missing/r.csv", Dir]),
        ("--rows", ["1", "200", "1000", "0", "-5", "x", "2147483648"]),
        ("--clusters", ["1", "10", "0", "2000", "-1"]),
        ("--model", ["intercept", "slope", "cubic"]),
        ("--response", ["binary", "poisson", "gaussian", "gamma"]),
        ("--sd", ["0", "1", "-1", "NaN", "1e308"]),
        ("--beta0", ["0", "-0.5", "Infinity", "1e308"]),
        ("--json-rows", []), ("--conditional", []), ("--quiet", []), ("--verbose", []), ("--reml", []), ("--ml", []), ("--json", []),
        ("extra", []), ("--", []), ("-", []), ("--unknown", []), ("-h", []),
    ];

    private static readonly string[] AllValues = Options.SelectMany(o => o.Values).Distinct().ToArray();

    private static readonly string[] Model =
        ["--data", "--factor", "--levels", "--levels-file", "--formula", "--family", "--nagq", "--reml", "--ml", "--weights", "--backend", "--verbose"];

    // The options each command takes (as its --help lists them); other options are drawn now and then too.
    private static readonly Dictionary<string, string[]> Own = new()
    {
        ["fit"] = [.. Model, "--json", "--json-rows", "--fitted", "--ranef", "--quiet", "--confint", "--confint-level", "--method", "--m", "--seed"],
        ["predict"] = [.. Model, "--newdata", "--level", "--scale", "--out"],
        ["bootstrap"] = [.. Model, "-B", "--seed", "--shard", "--out", "--resume", "--level", "--quiet"],
        ["merge"] = ["--out", "--level", "--quiet", "{dir}/out.csv", "{dir}/out.json", "{dir}/out.csv.partial", "{dir}/data.csv"],
        ["simulate"] = [.. Model, "--nsim", "--seed", "--conditional", "--out"],
        ["compare"] = ["--data", "--factor", "--levels", "--levels-file", "--small", "--large", "--family", "--nagq", "--weights", "--pb", "--seed"],
        ["simulate-data"] = ["--rows", "--clusters", "--model", "--response", "--seed", "--sd", "--beta0", "--out"],
        ["describe"] = ["--data", "--factor", "--levels", "--levels-file", "--formula", "--family", "--weights", "--json"],
    };

    // One option with a value of its own (mostly), of another option, or none.
    private static Gen<string[]> Option(string[] names) =>
        Gen.Select(Gen.Int[0, names.Length - 1], Gen.Int[0, 19], Gen.Int[0, 1000], Gen.Int[0, AllValues.Length - 1],
            (o, how, pick, other) =>
            {
                string name = names[o];
                var values = Options.FirstOrDefault(x => x.Option == name && x.Values.Length > 0).Values ?? [];
                if (values.Length == 0 || how == 0) return new[] { name };
                return how == 1 ? [name, AllValues[other]] : new[] { name, values[pick % values.Length] };
            });

    private static readonly Gen<string[]> AnyOption = Option(Options.Select(o => o.Option).Distinct().ToArray());

    /// <summary>A command line; "{dir}" in it stands for the case's scratch folder.</summary>
    public static Gen<string[]> CommandLine { get; } =
        Commands.SelectMany(cmd =>
        {
            var own = cmd.Length > 0 && Own.TryGetValue(cmd[^1], out var names) ? Option(names) : AnyOption;
            var opt = Gen.Frequency((9, (IGen<string[]>)own), (1, AnyOption));
            return Gen.Select(opt.Array[0, 5], Gen.Int[0, 5], (opts, core) =>
            {
                var line = new List<string>(cmd);
                // Most lines carry a data set and a model that fits it, so that they reach the model.
                bool glmm = core % 2 == 0;
                if (core > 0 && cmd is ["simulate-data"])
                    line.AddRange(["--rows", "300", "--clusters", "12", "--seed", "3", "--out", "{dir}/sim.csv"]);
                else if (core > 0 && cmd is ["compare"])
                    line.AddRange(glmm
                        ? ["--data", "cbpp", "--family", "binomial", "--small", "cbind(incidence, size - incidence) ~ 1 + (1 | herd)", "--large", Formulas[3]]
                        : ["--data", "sleepstudy", "--small", "Reaction ~ 1 + (1 | Subject)", "--large", Formulas[0]]);
                else if (core > 0)
                    line.AddRange(glmm ? ["--data", "cbpp", "--formula", Formulas[3], "--family", "binomial"]
                        : ["--data", "sleepstudy", "--formula", Formulas[opts.Length % 3]]);
                if (cmd is ["bootstrap"] && core > 0) line.AddRange(["-B", "2", "--seed", "5"]);
                // Mostly each option once (a repeated option is an error of its own).
                foreach (var o in opts.Where((o, i) => i % 4 == 3 || !opts.Take(i).Any(p => p[0] == o[0]))) line.AddRange(o);
                return line.ToArray();
            });
        });
}
