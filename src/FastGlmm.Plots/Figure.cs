using ScottPlot;
using SkiaSharp;

namespace FastGlmm.Plots;

/// <summary>The image formats a figure is written in.</summary>
public enum PlotFormat
{
    /// <summary>A PNG raster image.</summary>
    Png,

    /// <summary>An SVG vector image (text kept as text).</summary>
    Svg,
}

/// <summary>
/// A figure: one or more ScottPlot panels laid out in a grid of <see cref="Columns"/> columns, filled row by row,
/// written as PNG or SVG. Each panel is a <see cref="Plot"/> with its own axes and title.
/// </summary>
public sealed class Figure
{
    internal Figure(IReadOnlyList<Plot> panels, int columns, int panelWidth, int panelHeight)
    {
        if (panels.Count == 0) throw new ArgumentException("a figure needs at least one panel", nameof(panels));
        Panels = panels;
        Columns = Math.Clamp(columns, 1, panels.Count);
        DefaultWidth = Columns * panelWidth;
        DefaultHeight = Rows * panelHeight;
    }

    /// <summary>The panels, in reading order.</summary>
    public IReadOnlyList<Plot> Panels { get; }

    /// <summary>Columns of the grid.</summary>
    public int Columns { get; }

    /// <summary>Rows of the grid: ⌈panels / columns⌉.</summary>
    public int Rows => (Panels.Count + Columns - 1) / Columns;

    /// <summary>The width in pixels the figure is drawn at unless the caller sets one.</summary>
    public int DefaultWidth { get; }

    /// <summary>The height in pixels the figure is drawn at unless the caller sets one.</summary>
    public int DefaultHeight { get; }

    /// <summary>The format a file name asks for: <c>.png</c> or <c>.svg</c> (any case); null for anything else.</summary>
    public static PlotFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => PlotFormat.Png,
        ".svg" => PlotFormat.Svg,
        _ => null,
    };

    /// <summary>Draws the figure at <paramref name="width"/> × <paramref name="height"/> pixels (the defaults when null)
    /// into <paramref name="output"/> as <paramref name="format"/>.</summary>
    public void Write(Stream output, PlotFormat format, int? width = null, int? height = null)
    {
        int w = width ?? DefaultWidth, h = height ?? DefaultHeight;
        if (w < 100 || h < 100 || w > 20000 || h > 20000)
            throw new UserInputException($"a plot must be between 100 and 20000 pixels wide and high (asked for {w} × {h})");
        var multi = new Multiplot(Panels[0]);
        foreach (var p in Panels.Skip(1)) multi.AddPlot(p);
        multi.Layout = new ScottPlot.MultiplotLayouts.Grid(Rows, Columns);
        var rect = new PixelRect(0, w, h, 0);
        if (format == PlotFormat.Svg)
        {
            // SKSvgCanvas writes the document when it is disposed, so it must go before the stream is used.
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, w, h), output))
                multi.Render(canvas, rect);
            return;
        }
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new UserInputException($"cannot allocate a {w} × {h} image");
        surface.Canvas.Clear(SKColors.White);
        multi.Render(surface.Canvas, rect);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(output);
    }

    /// <summary>A panel with FastGlmm's common style: white background, a title and axis labels.</summary>
    internal static Plot Panel(string title, string xLabel, string yLabel)
    {
        var p = new Plot();
        p.Title(title, size: 14);
        p.XLabel(xLabel, size: 12);
        p.YLabel(yLabel, size: 12);
        p.Font.Set(SansFont.Value);
        p.Axes.Title.Label.Bold = false;
        return p;
    }

    /// <summary>
    /// A sans-serif family the machine has (ScottPlot's own detection can settle on a serif one); ScottPlot's default
    /// when none of the usual ones is installed.
    /// </summary>
    private static readonly Lazy<string> SansFont = new(() =>
    {
        var installed = SKFontManager.Default.GetFontFamilies().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans" }.FirstOrDefault(installed.Contains) ?? Fonts.Default;
    });

    /// <summary>The colour of points and lines.</summary>
    internal static readonly Color Ink = Color.FromHex("#1F4E9A");

    /// <summary>The colour of reference lines (zero, limits).</summary>
    internal static readonly Color Reference = Color.FromHex("#B03A2E");
}
