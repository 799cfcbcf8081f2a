namespace FastGlmm.Data.Frame;

/// <summary>How a factor with K levels is coded in a term that takes contrasts (R's <c>contrasts</c>).</summary>
public enum ContrastKind
{
    /// <summary>R's <c>contr.treatment</c> (the default): indicators of levels 2..K, named by the level.</summary>
    Treatment,
    /// <summary>R's <c>contr.sum</c>: column j is 1 at level j and −1 at level K; named 1..K−1.</summary>
    Sum,
    /// <summary>R's <c>contr.helmert</c>: column j is −1 at levels 1..j, j at level j+1, 0 after; named 1..K−1.</summary>
    Helmert,
    /// <summary>MASS's <c>contr.sdif</c> (successive differences): column j is j/K at levels above j and (j − K)/K at
    /// levels 1..j; named "level(j+1)-level(j)".</summary>
    Sdif,
    /// <summary>R's <c>contr.poly</c>: orthonormal polynomials in the scores 1..K of degrees 1..K−1; named .L, .Q, .C, ^4, …</summary>
    Poly,
}

/// <summary>The contrast matrices of <see cref="ContrastKind"/> and their column-name suffixes, as R builds them.</summary>
public static class Contrasts
{
    /// <summary>The names accepted by <see cref="Parse"/>.</summary>
    public const string Names = "treatment, sum, helmert, sdif, poly";

    /// <summary>Parses treatment|sum|helmert|sdif|poly (also R's spellings contr.treatment, contr.sum, …).</summary>
    /// <exception cref="UserInputException">Any other name.</exception>
    public static ContrastKind Parse(string name, string context)
    {
        string n = name.Trim();
        if (n.StartsWith("contr.", StringComparison.Ordinal)) n = n["contr.".Length..];
        return n switch
        {
            "treatment" => ContrastKind.Treatment,
            "sum" => ContrastKind.Sum,
            "helmert" => ContrastKind.Helmert,
            "sdif" => ContrastKind.Sdif,
            "poly" => ContrastKind.Poly,
            _ => throw new UserInputException($"{context}: unknown contrast '{UserText.Clip(name)}' (known: {Names})"),
        };
    }

    /// <summary>
    /// The K × (K − 1) contrast matrix (row-major: entry [level, column]) and the K − 1 column-name suffixes that R
    /// pastes after the variable's name.
    /// </summary>
    /// <param name="kind">The contrast.</param>
    /// <param name="levels">The factor's K ≥ 2 levels in order.</param>
    public static (double[,] Matrix, string[] Suffixes) Matrix(ContrastKind kind, IReadOnlyList<string> levels)
    {
        int k = levels.Count, c = k - 1;
        var m = new double[k, c];
        var names = new string[c];
        for (int j = 0; j < c; j++) names[j] = (j + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (kind)
        {
            case ContrastKind.Treatment:
                for (int j = 0; j < c; j++) { m[j + 1, j] = 1; names[j] = levels[j + 1]; }
                break;
            case ContrastKind.Sum:
                for (int j = 0; j < c; j++) { m[j, j] = 1; m[k - 1, j] = -1; }
                break;
            case ContrastKind.Helmert:
                for (int j = 0; j < c; j++)
                {
                    for (int i = 0; i <= j; i++) m[i, j] = -1;
                    m[j + 1, j] = j + 1;
                }
                break;
            case ContrastKind.Sdif:
                for (int j = 0; j < c; j++)
                {
                    for (int i = 0; i < k; i++) m[i, j] = i > j ? (j + 1.0) / k : (j + 1.0 - k) / k;
                    names[j] = levels[j + 1] + "-" + levels[j];
                }
                break;
            case ContrastKind.Poly:
                Orthonormal(m, k);
                for (int j = 0; j < c; j++) names[j] = j switch { 0 => ".L", 1 => ".Q", 2 => ".C", _ => "^" + (j + 1) };
                break;
        }
        return (m, names);
    }

    /// <summary>
    /// Column j − 1 of <paramref name="m"/> is the degree-j polynomial in the centred scores s_i = i − (K + 1)/2 made
    /// orthogonal to the lower degrees (modified Gram–Schmidt, twice, for full precision) and scaled to unit length:
    /// R's <c>make.poly</c>, whose QR gives the same columns with a positive leading coefficient.
    /// </summary>
    private static void Orthonormal(double[,] m, int k)
    {
        var basis = new List<double[]> { Enumerable.Repeat(1 / Math.Sqrt(k), k).ToArray() };
        for (int d = 1; d < k; d++)
        {
            var v = new double[k];
            for (int i = 0; i < k; i++) v[i] = Math.Pow(i - (k - 1) / 2.0, d);
            for (int pass = 0; pass < 2; pass++)
                foreach (var b in basis)
                {
                    double dot = 0;
                    for (int i = 0; i < k; i++) dot += v[i] * b[i];
                    for (int i = 0; i < k; i++) v[i] -= dot * b[i];
                }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int i = 0; i < k; i++) v[i] /= norm;
            basis.Add(v);
            for (int i = 0; i < k; i++) m[i, d - 1] = v[i];
        }
    }
}
