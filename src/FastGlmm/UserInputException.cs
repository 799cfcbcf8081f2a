namespace FastGlmm;

/// <summary>
/// An error caused by the user's input (a file, a formula, an option), as opposed to a bug.
/// The message is a single line that names the offending file, row, column, term or formula
/// position; front ends print it as is, without a stack trace.
/// </summary>
public class UserInputException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public UserInputException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public UserInputException(string message, Exception inner) : base(message, inner) { }
}
