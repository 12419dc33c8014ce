using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Encore.Identity;
using Encore.Identity.Bench;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Encore.Tests.Hosting;

/// <summary>
/// The simulator's buyers (docs/simulator.md): a separate process on the app's database writes
/// password-less accounts and bearer tokens that every instance accepts, and refuses to run in
/// Production or without the explicit bench flag.
/// </summary>
public sealed class BenchBuyersCommandTests
{
    [Fact]
    public async Task Refuses_without_the_bench_flag_and_in_production_and_writes_nothing()
    {
        await using var app = EncoreAppFactory.Sqlite();
        _ = app.Services; // migrations
        var path = Path.GetTempFileName();

        var unflagged = await RunAsync(app.ConnectionString, "Benchmark", flag: false, path, "--count", "2");
        Assert.True(unflagged.ExitCode == 2, unflagged.Output);
        Assert.Contains("Encore:Bench:MintSessions=true", unflagged.Output);

        var production = await RunAsync(app.ConnectionString, "Production", flag: true, path, "--count", "2");
        Assert.True(production.ExitCode == 2, production.Output);
        Assert.Contains("Production", production.Output);

        var noCount = await RunAsync(app.ConnectionString, "Benchmark", flag: true, path);
        Assert.True(noCount.ExitCode == 2, noCount.Output);

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
        Assert.Null(await users.FindByEmailAsync("sim1@bench.test"));
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Minted_tokens_work_on_the_api_the_accounts_have_no_password_and_a_second_run_reuses_them()
    {
        await using var app = EncoreAppFactory.Sqlite();
        using var http = app.CreateClient();
        var path = Path.GetTempFileName();

        var run = await RunAsync(app.ConnectionString, "Benchmark", flag: true, path, "--count", "3", "--first", "5");
        Assert.True(run.ExitCode == 0, run.Output);
        var lines = (await File.ReadAllLinesAsync(path)).Select(l => l.Split('\t')).ToList();
        Assert.Equal(["5", "6", "7"], lines.Select(l => l[0]));
        Assert.Equal(["sim5@bench.test", "sim6@bench.test", "sim7@bench.test"], lines.Select(l => l[2]));

        foreach (var line in lines)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/identity/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", line[3]);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var me = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(line[1], me["id"]!.GetValue<string>());
            Assert.Equal(line[2], me["email"]!.GetValue<string>());
        }

        // No password: the only way in is the token the bench minted.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
            var user = (await users.FindByEmailAsync("sim5@bench.test"))!;
            Assert.False(await users.HasPasswordAsync(user));
            Assert.True(user.EmailConfirmed);
        }
        using (var login = await http.PostAsJsonAsync("/api/identity/login", new { email = "sim5@bench.test", password = "anything-at-all-here" }))
            Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);

        // A second run keeps the accounts and gives new tokens.
        var again = await RunAsync(app.ConnectionString, "Benchmark", flag: true, path, "--count", "4", "--first", "5");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("(1 new accounts)", again.Output);
        var second = (await File.ReadAllLinesAsync(path)).Select(l => l.Split('\t')).ToList();
        Assert.Equal(lines.Select(l => l[1]), second.Take(3).Select(l => l[1]));
    }

    [Fact]
    public async Task The_minted_principal_carries_the_claims_the_framework_s_factory_gives_the_account()
    {
        await using var app = EncoreAppFactory.Sqlite();
        await using var scope = app.Services.CreateAsyncScope();
        var bench = scope.ServiceProvider.GetRequiredService<BenchBuyers>();
        var buyers = new List<BenchBuyers.Buyer>();
        await bench.WriteAsync(1, 1, TimeSpan.FromHours(1), b => { buyers.Add(b); return Task.CompletedTask; }, CancellationToken.None);

        var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
        var user = (await users.FindByIdAsync(buyers.Single().UserId.ToString()))!;
        var framework = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EncoreUser>>().CreateAsync(user);
        var minted = BenchBuyers.Principal(user, scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity);

        static List<string> Claims(ClaimsPrincipal p) => [.. p.Claims.Select(c => $"{c.Type}={c.Value}").Order()];
        Assert.Equal(Claims(framework), Claims(minted));
        Assert.Equal(framework.Identity!.AuthenticationType, minted.Identity!.AuthenticationType);
    }

    static async Task<(int ExitCode, string Output)> RunAsync(string connectionString, string environment, bool flag, string path, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Encore.Web.dll"));
        start.ArgumentList.Add("bench-buyers");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(path);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["Encore__Storage"] = "Sqlite";
        start.Environment["ConnectionStrings__Sqlite"] = connectionString;
        start.Environment["Encore__Demo__Seed"] = "off";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (flag) start.Environment["Encore__Bench__MintSessions"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
