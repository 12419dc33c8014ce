using System.Text.RegularExpressions;
using Encore.Tickets.Wallet;

namespace Encore.Tests.Tickets;

/// <summary>The QR drawings (SVG path, PDF rectangles) cover exactly the dark modules of the encoded code.</summary>
public sealed partial class TicketQrTests
{
    const string Code = "ENC1.eyJ0IjoiMDFhMjE5M2ItM2NiMi03Yzg3LWE4Y2MtYjY0YmVlNTA0NGI3IiwicCI6IjAxYTIxOTNiIiwicyI6IkExIiwiZyI6MX0.MEUCIQDx7v2cQ0mZ9Zq3uK8k";

    [Fact]
    public void The_runs_of_dark_modules_rebuild_the_matrix_exactly()
    {
        using var data = TicketQr.Encode(Code);
        var size = data.ModuleMatrix.Count;
        var drawn = new bool[size, size];
        foreach (var (row, column, length) in TicketQr.DarkRuns(data))
        {
            Assert.True(length > 0);
            // Runs are maximal: the modules on either side are light (or the edge).
            Assert.True(column == 0 || !data.ModuleMatrix[row][column - 1]);
            Assert.True(column + length == size || !data.ModuleMatrix[row][column + length]);
            for (var c = column; c < column + length; c++)
            {
                Assert.False(drawn[row, c], "two runs cover one module");
                drawn[row, c] = true;
            }
        }
        for (var row = 0; row < size; row++)
            for (var column = 0; column < size; column++)
                Assert.Equal(data.ModuleMatrix[row][column], drawn[row, column]);
    }

    [Fact]
    public void The_svg_path_paints_the_same_modules()
    {
        using var data = TicketQr.Encode(Code);
        var size = data.ModuleMatrix.Count;
        var svg = TicketQr.Svg(Code, "t", "Ticket code");
        Assert.Contains($"viewBox=\"0 0 {size} {size}\"", svg);
        var painted = new bool[size, size];
        foreach (Match run in Run().Matches(svg))
        {
            int x = int.Parse(run.Groups[1].Value), y = int.Parse(run.Groups[2].Value), n = int.Parse(run.Groups[3].Value);
            Assert.Equal(run.Groups[3].Value, run.Groups[4].Value);
            for (var c = x; c < x + n; c++) painted[y, c] = true;
        }
        for (var row = 0; row < size; row++)
            for (var column = 0; column < size; column++)
                Assert.Equal(data.ModuleMatrix[row][column], painted[row, column]);
    }

    [GeneratedRegex(@"M(\d+) (\d+)h(\d+)v1h-(\d+)z")]
    private static partial Regex Run();
}
