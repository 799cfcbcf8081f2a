using System.Buffers.Binary;
using System.Xml.Linq;

namespace FastGlmm.Tests.Plots;

/// <summary>What a written plot file holds: a PNG's size from its header, an SVG's markers and texts.</summary>
internal static class PlotFiles
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Checks the PNG signature and the IHDR chunk, and returns the image's width and height.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.True(b.Length > 1000, $"{path}: only {b.Length} bytes");
        Assert.Equal(PngSignature, b[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(b, 12, 4));
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(b, b.Length - 8, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)));
    }

    /// <summary>
    /// An SVG document: its size, the number of point markers (ScottPlot draws each marker as filled ellipses at the
    /// point, so markers are counted as distinct centres) and its texts.
    /// </summary>
    public sealed record Svg(int Width, int Height, int Markers, IReadOnlyList<string> Texts);

    public static Svg ReadSvg(string path)
    {
        var doc = XDocument.Load(path);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var root = doc.Root!;
        Assert.Equal(ns + "svg", root.Name);
        var texts = root.Descendants(ns + "text").Select(t => t.Value.Trim()).ToArray();
        return new Svg((int)double.Parse(root.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture),
            (int)double.Parse(root.Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture),
            root.Descendants(ns + "ellipse").Select(e => (e.Attribute("cx")?.Value, e.Attribute("cy")?.Value)).Distinct().Count(), texts);
    }
}
