namespace FastGlmm.Families;

/// <summary>
/// An operation generic over a link and a distribution, run by <see cref="FamilyDispatch"/> with the
/// struct types that a <see cref="FamilySpec"/> names. Because TLink and TDist are structs, the JIT compiles a
/// specialized copy of <see cref="Invoke{TLink, TDist}"/> per pair, so loops inside it make direct, inlinable
/// calls to <c>TLink.LinkInverse</c>, <c>TDist.Variance</c> etc.
/// </summary>
/// <typeparam name="TResult">What the operation returns.</typeparam>
public interface IFamilyOperation<out TResult>
{
    /// <summary>Runs the operation for one (link, distribution) pair.</summary>
    /// <typeparam name="TLink">The link operator, e.g. <see cref="LogitLink"/>.</typeparam>
    /// <typeparam name="TDist">The distribution operator, e.g. <see cref="BinomialDistribution"/>.</typeparam>
    TResult Invoke<TLink, TDist>() where TLink : struct, ILink where TDist : struct, IDistribution;
}
