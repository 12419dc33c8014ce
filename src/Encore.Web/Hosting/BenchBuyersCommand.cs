using System.Globalization;
using Encore.Identity.Bench;

namespace Encore.Web.Hosting;

/// <summary>
/// <c>dotnet Encore.Web.dll bench-buyers --count N [--first 1] [--hours 4] --out buyers.tsv</c>: the
/// flash-sale simulator's buyers (docs/simulator.md). Writes one line per buyer,
/// <c>number, user id, email, bearer token</c>, tab-separated. Exit 0 when written, 2 when refused or
/// the arguments are wrong.
/// </summary>
internal static class BenchBuyersCommand
{
    public const int Written = 0, Refused = 2;

    public static async Task<int> RunAsync(WebApplication app, string[] args, CancellationToken ct)
    {
        if (BenchBuyers.Refusal(app.Configuration, app.Environment) is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return Refused;
        }
        string? Arg(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
        if (!int.TryParse(Arg("count"), CultureInfo.InvariantCulture, out var count) || count is < 1 or > 10_000_000
            || !int.TryParse(Arg("first") ?? "1", CultureInfo.InvariantCulture, out var first) || first < 1
            || !double.TryParse(Arg("hours") ?? "4", CultureInfo.InvariantCulture, out var hours) || hours is <= 0 or > 24
            || Arg("out") is not { Length: > 0 } path)
        {
            await Console.Error.WriteLineAsync("usage: bench-buyers --count N [--first 1] [--hours 4] --out buyers.tsv");
            return Refused;
        }
        var started = TimeProvider.System.GetTimestamp();
        await using var scope = app.Services.CreateAsyncScope();
        await using var output = new StreamWriter(path, append: false);
        var created = await scope.ServiceProvider.GetRequiredService<BenchBuyers>().WriteAsync(first, count, TimeSpan.FromHours(hours),
            buyer => output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{buyer.Number}\t{buyer.UserId}\t{buyer.Email}\t{buyer.AccessToken}")), ct);
        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench-buyers: {count} buyers ({created} new accounts) with tokens valid {hours} h written to {path} in {seconds:F1} s"));
        return Written;
    }
}
