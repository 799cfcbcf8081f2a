namespace FastGlmm.Data.Csv;

/// <summary>Options for <see cref="CsvReader"/>. Instances are immutable once built.</summary>
public sealed class CsvReadOptions
{
    /// <summary>
    /// The field delimiter: a single ASCII character other than a double quote, CR or LF.
    /// The default is a comma.
    /// </summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>
    /// Field values that mean a missing value (NA) in every column type, compared with the field
    /// after unquoting and trimming. The default is <see cref="DefaultNaTokens"/>.
    /// </summary>
    public IReadOnlyList<string> NaTokens { get; init; } = DefaultNaTokens;

    /// <summary>The default NA tokens: "NA", "" (an empty field) and "NaN".</summary>
    public static IReadOnlyList<string> DefaultNaTokens { get; } = Array.AsReadOnly(new[] { "NA", "", "NaN" });

    /// <summary>The options used when none are given: comma-delimited, default NA tokens.</summary>
    public static CsvReadOptions Default { get; } = new();
}
