namespace FastGlmm.Formula;

/// <summary>
/// A Pratt parser for R expressions with R's operator precedence (low to high):
/// <c>~</c>; <c>| ||</c>; <c>&amp; &amp;&amp;</c>; <c>!</c>; comparisons; binary <c>+ -</c>; <c>* /</c>;
/// <c>%op%</c>; <c>:</c>; unary <c>+ -</c>; <c>^</c> (right-associative).
/// </summary>
internal sealed class Parser
{
    private const int UnaryMinusPrec = 10, NotPrec = 4, TildePrec = 1;
    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _pos;

    /// <summary>The deepest nesting of sub-expressions accepted (the parser recurses once per level).</summary>
    public const int MaxDepth = 200;

    /// <summary>The most tokens a formula may have (keeps every tree walk over it far from the stack's limit).</summary>
    public const int MaxTokens = 5000;

    private int _depth;

    private Parser(string text)
    {
        _text = text;
        _tokens = Lexer.Tokenize(text);
        if (_tokens.Count > MaxTokens)
            throw new FormulaException(text, 0, Math.Min(text.Length, 40),
                $"the formula has {_tokens.Count} tokens; at most {MaxTokens} are accepted");
    }

    /// <summary>Parses the whole text as one expression; trailing tokens are an error.</summary>
    public static Expr Parse(string text)
    {
        var p = new Parser(text);
        if (p.Peek.Kind == TokenKind.End) throw new FormulaException(text, 0, text.Length, "the formula is empty");
        var e = p.ParseExpr(0);
        var t = p.Peek;
        if (t.Kind == TokenKind.RParen)
            throw new FormulaException(text, t.Start, t.End, "unbalanced parenthesis: ')' has no matching '('");
        if (t.Kind != TokenKind.End)
            throw new FormulaException(text, t.Start, t.End, $"unexpected '{t.Text}'");
        return e;
    }

    private Token Peek => _tokens[_pos];

    private Token Next() => _tokens[_pos++];

    private static int BinaryPrec(Token t) => t.Kind != TokenKind.Op ? -1 : t.Text switch
    {
        "~" => 1,
        "|" or "||" => 2,
        "&" or "&&" => 3,
        "==" or "!=" or "<" or ">" or "<=" or ">=" => 5,
        "+" or "-" => 6,
        "*" or "/" => 7,
        ":" => 9,
        "^" => 11,
        _ when t.Text.StartsWith('%') => 8,
        _ => -1,
    };

    private Expr ParseExpr(int minPrec)
    {
        if (++_depth > MaxDepth)
        {
            var t = Peek;
            throw new FormulaException(_text, t.Start, t.End, $"the formula nests more than {MaxDepth} levels deep");
        }
        try { return ParseExprAt(minPrec); }
        finally { _depth--; }
    }

    private Expr ParseExprAt(int minPrec)
    {
        var left = ParsePrefix();
        while (true)
        {
            var op = Peek;
            int prec = BinaryPrec(op);
            if (prec < 0 || prec < minPrec) return left;
            Next();
            int nextMin = op.Text == "^" ? prec : prec + 1;
            if (op.Text is "==" or "!=" or "<" or ">" or "<=" or ">=") nextMin = prec + 1;
            var right = ParseOperand(op, nextMin);
            left = new BinaryExpr(op.Text, left, right, op.Start);
        }
    }

    private Expr ParseOperand(Token op, int minPrec)
    {
        var t = Peek;
        if (t.Kind == TokenKind.End)
            throw new FormulaException(_text, op.Start, op.End,
                op.Text == "~" ? "empty right-hand side after '~'" : $"'{op.Text}' is missing its right-hand operand");
        if (t.Kind is TokenKind.RParen or TokenKind.Comma)
            throw new FormulaException(_text, op.Start, t.End, $"'{op.Text}' is missing its right-hand operand");
        return ParseExpr(minPrec);
    }

    private Expr ParsePrefix()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Name:
                if (Peek.Kind == TokenKind.LParen) return ParseCall(t);
                return new NameExpr(t.Text, t.Start, t.End);
            case TokenKind.Number:
                return new NumberExpr(t.Number, t.Start, t.End);
            case TokenKind.String:
                return new StringExpr(t.Text, t.Start, t.End);
            case TokenKind.LParen:
            {
                if (Peek.Kind == TokenKind.RParen)
                    throw new FormulaException(_text, t.Start, Peek.End, "empty parentheses");
                var inner = ParseExpr(0);
                var close = Next();
                if (close.Kind != TokenKind.RParen) throw Unclosed(t, close);
                return new ParenExpr(inner, t.Start, close.End);
            }
            case TokenKind.Op when t.Text is "-" or "+":
                return new UnaryExpr(t.Text, ParseOperand(t, UnaryMinusPrec), t.Start);
            case TokenKind.Op when t.Text == "!":
                return new UnaryExpr(t.Text, ParseOperand(t, NotPrec), t.Start);
            case TokenKind.Op when t.Text == "~":
                return new UnaryExpr(t.Text, ParseOperand(t, TildePrec + 1), t.Start);
            case TokenKind.RParen:
                throw new FormulaException(_text, t.Start, t.End, "unbalanced parenthesis: ')' has no matching '('");
            case TokenKind.End:
                throw new FormulaException(_text, t.Start, t.End, "unexpected end of formula");
            default:
                throw new FormulaException(_text, t.Start, t.End, $"unexpected '{t.Text}'");
        }
    }

    private Expr ParseCall(Token name)
    {
        var open = Next();
        var args = new List<Expr>();
        if (Peek.Kind != TokenKind.RParen)
        {
            while (true)
            {
                if (Peek.Kind is TokenKind.Comma or TokenKind.RParen)
                    throw new FormulaException(_text, Peek.Start, Peek.End, $"empty argument in {name.Text}()");
                if (Peek.Kind == TokenKind.Name && _tokens[_pos + 1] is { Kind: TokenKind.Op, Text: "=" })
                {
                    var argName = Next();
                    var eq = Next();
                    args.Add(new NamedArgExpr(argName.Text, ParseOperand(eq, 0), argName.Start));
                }
                else args.Add(ParseExpr(0));
                if (Peek.Kind == TokenKind.Comma) { Next(); continue; }
                break;
            }
        }
        var close = Next();
        if (close.Kind != TokenKind.RParen) throw Unclosed(open, close);
        return new CallExpr(name.Text, args, name.End, name.Start, close.End);
    }

    private FormulaException Unclosed(Token open, Token found) => found.Kind == TokenKind.End
        ? new FormulaException(_text, open.Start, open.End, "unbalanced parenthesis: '(' is never closed")
        : new FormulaException(_text, found.Start, found.End, $"expected ')' to close the '(' at position {open.Start + 1}, found '{found.Text}'");
}
