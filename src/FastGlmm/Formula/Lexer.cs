using System.Globalization;

namespace FastGlmm.Formula;

/// <summary>Token kinds of the lme4 formula language.</summary>
internal enum TokenKind { Name, Number, String, Op, LParen, RParen, Comma, End }

/// <summary>One token: kind, text and its [Start, End) span in the formula.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Start, int End, double Number = 0);

/// <summary>Splits formula text into tokens, following R's lexical rules for names and numbers.</summary>
internal static class Lexer
{
    private static readonly string[] Operators =
        ["||", "<=", ">=", "==", "!=", "&&", "~", "+", "-", "*", "/", "^", ":", "|", "<", ">", "!", "&", "="];

    /// <summary>Tokenizes <paramref name="text"/>; the last token is <see cref="TokenKind.End"/>.</summary>
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            int start = i;
            if (char.IsLetter(c) || c == '.' && !(i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '.' || text[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Name, text[start..i], start, i));
            }
            else if (char.IsDigit(c) || c == '.')
            {
                i = ScanNumber(text, i);
                string s = text[start..i];
                if (!double.TryParse(s.TrimEnd('L'), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new FormulaException(text, start, i, $"malformed number '{s}'");
                tokens.Add(new Token(TokenKind.Number, s, start, i, v));
            }
            else if (c == '`')
            {
                int close = text.IndexOf('`', i + 1);
                if (close < 0) throw new FormulaException(text, start, text.Length, "unterminated backquoted name");
                if (close == i + 1) throw new FormulaException(text, start, close + 1, "empty backquoted name");
                tokens.Add(new Token(TokenKind.Name, text[(i + 1)..close], start, close + 1));
                i = close + 1;
            }
            else if (c is '"' or '\'')
            {
                int close = text.IndexOf(c, i + 1);
                if (close < 0) throw new FormulaException(text, start, text.Length, "unterminated string");
                tokens.Add(new Token(TokenKind.String, text[(i + 1)..close], start, close + 1));
                i = close + 1;
            }
            else if (c == '%')
            {
                int close = text.IndexOf('%', i + 1);
                if (close < 0) throw new FormulaException(text, start, text.Length, "unterminated %op% operator");
                i = close + 1;
                tokens.Add(new Token(TokenKind.Op, text[start..i], start, i));
            }
            else if (c == '(') { tokens.Add(new Token(TokenKind.LParen, "(", i, ++i)); }
            else if (c == ')') { tokens.Add(new Token(TokenKind.RParen, ")", i, ++i)); }
            else if (c == ',') { tokens.Add(new Token(TokenKind.Comma, ",", i, ++i)); }
            else
            {
                string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0);
                if (op is null) throw new FormulaException(text, i, i + 1, $"unexpected character '{c}'");
                tokens.Add(new Token(TokenKind.Op, op, i, i + op.Length));
                i += op.Length;
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length, text.Length));
        return tokens;
    }

    private static int ScanNumber(string text, int i)
    {
        while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.')) i++;
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            int j = i + 1;
            if (j < text.Length && (text[j] == '+' || text[j] == '-')) j++;
            if (j < text.Length && char.IsDigit(text[j]))
            {
                i = j;
                while (i < text.Length && char.IsDigit(text[i])) i++;
            }
        }
        if (i < text.Length && text[i] == 'L') i++;
        return i;
    }
}
