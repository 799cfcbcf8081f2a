namespace FastGlmm.Cli.Commands;

/// <summary>Checks on an --out path made before any work is done.</summary>
internal static class OutputFile
{
    /// <summary>A one-line error when <paramref name="path"/> (if given) lies in a folder that does not exist.</summary>
    public static void CheckFolder(string? path)
    {
        if (path is not null && Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir && !Directory.Exists(dir))
            throw new UserInputException($"--out {path}: the folder {dir} does not exist");
    }
}
