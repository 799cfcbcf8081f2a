namespace FastGlmm.MonteCarlo;

/// <summary>How to fit by Monte Carlo maximum likelihood (<c>--method mcml</c>).</summary>
public sealed record McmlOptions
{
    /// <summary>m, importance draws per independent block (default 10⁴).</summary>
    public int DrawsPerBlock { get; init; } = 10_000;

    /// <summary>The seed of the draws (default 1234, as the glmm package's examples use).</summary>
    public ulong Seed { get; init; } = 1234;

    /// <summary>The importance mixture weights.</summary>
    public MixtureWeights Mixture { get; init; } = MixtureWeights.Default;

    /// <summary>
    /// How many times the importance densities may be re-centred at the current estimates (each time with
    /// fresh draws): a re-centring happens after an optimization when some random-effect standard deviation
    /// (diagonal θ, floored at <see cref="ProposalBuilder.ThetaFloor"/>) moved by more than
    /// <see cref="RecentreRelativeSd"/> of its centring value, or some β by more than
    /// <see cref="RecentreBetaSe"/> of its standard error. Default 3.
    /// </summary>
    public int MaxRecentrings { get; init; } = 3;

    /// <summary>Relative change of a random-effect SD that triggers a re-centring (default 0.05).</summary>
    public double RecentreRelativeSd { get; init; } = 0.05;

    /// <summary>Change of a fixed effect, in standard errors, that triggers a re-centring (default 0.1).</summary>
    public double RecentreBetaSe { get; init; } = 0.1;

    /// <summary>Throws a <see cref="UserInputException"/> naming the bad setting.</summary>
    public void Check()
    {
        if (DrawsPerBlock < 100) throw new UserInputException($"--m {DrawsPerBlock}: use at least 100 importance draws per block");
        if (MaxRecentrings < 0) throw new UserInputException("the number of re-centrings must be 0 or more");
        Mixture.Check();
    }
}
