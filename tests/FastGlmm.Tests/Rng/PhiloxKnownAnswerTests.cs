using FastGlmm.Rng;

namespace FastGlmm.Tests.Rng;

/// <summary>
/// Philox4x32 against the Random123 known-answer vectors (Random123 <c>tests/kat_vectors</c>; columns: counter[4],
/// key[2], expected[4]).
/// </summary>
public class PhiloxKnownAnswerTests
{
    [Theory]
    [InlineData(10, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(10, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(10, 0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    [InlineData(7, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x5f6fb709u, 0x0d893f64u, 0x4f121f81u, 0x4f730a48u)]
    [InlineData(7, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x5207ddc2u, 0x45165e59u, 0x4d8ee751u, 0x8c52f662u)]
    [InlineData(7, 0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0x4dfccabau, 0x190a87f0u, 0xc47362bau, 0xb6b5242au)]
    public void MatchesRandom123Vectors(int rounds, uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        var expected = new Philox4x32Block(e0, e1, e2, e3);
        Assert.Equal(expected, Philox4x32.Generate(c0, c1, c2, c3, k0, k1, rounds));
        if (rounds == Philox4x32.Rounds) Assert.Equal(expected, Philox4x32.Generate(c0, c1, c2, c3, k0, k1));
    }

    [Fact]
    public void ToUniform_Uses53BitsAndExcludesZeroAndOne()
    {
        Assert.Equal(Math.Pow(2, -54), Philox4x32.ToUniform(0, 0));
        Assert.Equal(Math.Pow(2, -54), Philox4x32.ToUniform(0x7FF, 0));        // the low 11 bits are dropped
        Assert.Equal(Math.Pow(2, -53), Philox4x32.ToUniform(0x800, 0));        // m = 1
        Assert.Equal(1 - Math.Pow(2, -53), Philox4x32.ToUniform(uint.MaxValue, uint.MaxValue));
        Assert.Equal(0.5, Philox4x32.ToUniform(0, 0x80000000));
        Assert.True(Philox4x32.ToUniform(uint.MaxValue, uint.MaxValue) < 1.0);
    }
}
