namespace FastGlmm.Tests.Data;

/// <summary>User text quoted in messages: escaped, cut, on one line.</summary>
public class UserTextTests
{
    [Fact]
    public void Clip_ShortTextUnchanged() => Assert.Equal("Days", UserText.Clip("Days"));

    [Fact]
    public void Clip_LongTextCutWithLength()
    {
        string s = new('x', 1000);
        Assert.Equal(new string('x', 40) + "… (1000 characters)", UserText.Clip(s));
        Assert.Equal("xxxxx… (1000 characters)", UserText.Clip(s, 5));
    }

    [Fact]
    public void Clip_EscapesControlCharacters() =>
        Assert.Equal("a\\nb\\rc\\td\\u0001e", UserText.Clip("a\nb\rc\td\u0001e"));

    [Fact]
    public void Clip_DoesNotSplitSurrogatePair()
    {
        string s = "abcd\U0001F600xyz"; // the emoji takes positions 4 and 5
        string c = UserText.Clip(s, 5);
        Assert.Equal("abcd… (9 characters)", c);
    }

    [Fact]
    public void Escape_KeepsLengthWhenNoControlCharacters()
    {
        string s = new('y', 500);
        Assert.Same(s, UserText.Escape(s));
        Assert.Equal("'\\n'", UserText.Escape("'\n'"));
    }

    [Fact]
    public void OneLine_JoinsLinesAndCaps()
    {
        Assert.Equal("a b c", UserText.OneLine("a\nb\r\nc"));
        string m = UserText.OneLine(new string('z', 5000));
        Assert.Equal(UserText.MaxMessage + 1, m.Length);
        Assert.EndsWith("z…", m);
    }
}
