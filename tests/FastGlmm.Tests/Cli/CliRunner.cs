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

    /// <summary>Writes a CSV into a fresh temporary folder and returns its path.</summary>
    public static string WriteCsv(string name, string content)
    {
        string dir = Path.Combine(Path.GetTempPath(), "fastglmm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
