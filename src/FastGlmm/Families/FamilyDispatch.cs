namespace FastGlmm.Families;

/// <summary>
/// Maps a runtime <see cref="FamilySpec"/> to the compile-time link and distribution structs: one switch at
/// entry, then a JIT-specialized <see cref="IFamilyOperation{TResult}.Invoke{TLink, TDist}"/>. Every
/// FamilyId × LinkId pair dispatches (32 instantiations); validity of the pair is <see cref="FamilySpec.Parse"/>'s concern.
/// </summary>
/// <example><code>double dev = FamilyDispatch.Run(spec, new DevianceOp(y, eta, wt));</code></example>
public static class FamilyDispatch
{
    /// <summary>Runs <paramref name="operation"/> with the link and distribution structs of <paramref name="spec"/>.</summary>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="spec">Family and link.</param>
    /// <param name="operation">The operation (a struct is boxed once per call).</param>
    /// <exception cref="ArgumentOutOfRangeException">The family or link code is not defined.</exception>
    public static TResult Run<TResult>(FamilySpec spec, IFamilyOperation<TResult> operation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(operation);
        return Run<IFamilyOperation<TResult>, TResult>(spec, ref operation);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> by reference, without boxing; the operation may be a <c>ref struct</c>
    /// holding spans. Type arguments must be given explicitly: <c>Run&lt;MyOp, double&gt;(spec, ref op)</c>.
    /// </summary>
    /// <typeparam name="TOperation">The operation type.</typeparam>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="spec">Family and link.</param>
    /// <param name="operation">The operation.</param>
    /// <exception cref="ArgumentOutOfRangeException">The family or link code is not defined.</exception>
    public static TResult Run<TOperation, TResult>(FamilySpec spec, ref TOperation operation)
        where TOperation : IFamilyOperation<TResult>, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Link switch
        {
            LinkId.Identity => ByDistribution<IdentityLink, TOperation, TResult>(spec.Family, ref operation),
            LinkId.Log => ByDistribution<LogLink, TOperation, TResult>(spec.Family, ref operation),
            LinkId.Logit => ByDistribution<LogitLink, TOperation, TResult>(spec.Family, ref operation),
            LinkId.Probit => ByDistribution<ProbitLink, TOperation, TResult>(spec.Family, ref operation),
            LinkId.Cloglog => ByDistribution<CloglogLink, TOperation, TResult>(spec.Family, ref operation),
            LinkId.Inverse => ByDistribution<InverseLink, TOperation, TResult>(spec.Family, ref operation),
            LinkId.InverseSquare => ByDistribution<InverseSquareLink, TOperation, TResult>(spec.Family, ref operation),
            LinkId.Sqrt => ByDistribution<SqrtLink, TOperation, TResult>(spec.Family, ref operation),
            LinkId.Cauchit => ByDistribution<CauchitLink, TOperation, TResult>(spec.Family, ref operation),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Link, "unknown link code"),
        };
    }

    private static TResult ByDistribution<TLink, TOperation, TResult>(FamilyId family, ref TOperation operation)
        where TLink : struct, ILink
        where TOperation : IFamilyOperation<TResult>, allows ref struct => family switch
    {
        FamilyId.Gaussian => operation.Invoke<TLink, GaussianDistribution>(),
        FamilyId.Binomial => operation.Invoke<TLink, BinomialDistribution>(),
        FamilyId.Poisson => operation.Invoke<TLink, PoissonDistribution>(),
        FamilyId.Gamma => operation.Invoke<TLink, GammaDistribution>(),
        FamilyId.InverseGaussian => operation.Invoke<TLink, InverseGaussianDistribution>(),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown family code"),
    };
}
