using CsCheck;

namespace FastGlmm.Tests.Properties;

/// <summary>
/// Runs a property over cases drawn from a CsCheck generator with a fixed PCG seed, one after another on the test
/// thread, so that every run draws the same cases whatever the machine or thread count. A failing property reports
/// the first few failing cases (clipped) with their case numbers.
/// </summary>
internal static class PropertyCheck
{
    /// <summary>Checks <paramref name="property"/> on <paramref name="cases"/> cases drawn from <paramref name="gen"/>.</summary>
    public static void ForAll<T>(Gen<T> gen, int cases, ulong seed, Action<T> property, Func<T, string>? show = null)
    {
        var pcg = new PCG(1u, seed);
        var failures = new List<string>();
        int failed = 0;
        for (int i = 0; i < cases; i++)
        {
            var value = gen.Generate(pcg, null!, out _);
            try
            {
                property(value);
            }
            catch (Exception e)
            {
                failed++;
                if (failures.Count < 5)
                {
                    string shown = show?.Invoke(value) ?? value?.ToString() ?? "null";
                    failures.Add($"case {i}: {UserText.Clip(shown, 300)}\n    {e.GetType().Name}: {UserText.Clip(e.Message, 500)}");
                }
            }
        }
        Assert.True(failed == 0, $"{failed} of {cases} cases failed (seed {seed}):\n" + string.Join("\n", failures));
    }

    /// <summary>A message as the CLI prints it: one line, no stack trace, not absurdly long.</summary>
    public static void AssertOneLine(string message, int maxLength = 1000)
    {
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("   at ", message);
        Assert.True(message.Length <= maxLength, $"message of {message.Length} characters");
    }
}
