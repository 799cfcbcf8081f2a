using FastGlmm.Cli;

namespace FastGlmm.Tests.Cli;

/// <summary>Runs the fastglmm command line in-process and captures its output.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>The path of <paramref name="name"/> in a fresh temporary folder (created; the file is not).</summary>
    public static string TempPath(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "fastglmm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    /// <summary>Writes a CSV into a fresh temporary folder and returns its path.</summary>
    public static string WriteCsv(string name, string content)
    {
        string path = TempPath(name);
        File.WriteAllText(path, content);
        return path;
    }
}
