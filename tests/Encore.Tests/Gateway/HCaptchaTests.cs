using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Encore.Tests.Inventory;
using Encore.Web.Gateway;

namespace Encore.Tests.Gateway;

/// <summary>
/// hCaptcha's siteverify, faked on loopback from its documentation: a form POST of secret, response,
/// remoteip and sitekey, answered with JSON success, hostname and error-codes.
/// </summary>
internal sealed class FakeSiteverify : IAsyncDisposable
{
    public const string Secret = "0x0000000000000000000000000000000000000000";
    public const string SiteKey = "10000000-ffff-ffff-ffff-000000000001";
    readonly HttpListener listener = new();
    readonly Task loop;
    readonly ConcurrentDictionary<string, bool> spent = new();

    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();
    public Uri Url { get; }

    public FakeSiteverify()
    {
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/siteverify");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(await reader.ReadToEndAsync())
                .ToDictionary(p => p.Key, p => p.Value.ToString());
            Requests.Enqueue(form);
            string body;
            if (context.Request.HttpMethod != "POST" || context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) != true)
                body = Answer(false, null, "bad-request");
            else if (form.GetValueOrDefault("secret") != Secret)
                body = Answer(false, null, "invalid-input-secret");
            else if (form.GetValueOrDefault("sitekey") != SiteKey)
                body = Answer(false, null, "sitekey-secret-mismatch");
            else if (form.GetValueOrDefault("response") is not { Length: > 0 } token)
                body = Answer(false, null, "missing-input-response");
            else if (!spent.TryAdd(token, true))
                body = Answer(false, null, "invalid-or-already-seen-response");
            else body = token switch
            {
                var t when t.StartsWith("pass-", StringComparison.Ordinal) => Answer(true, "tickets.example", null),
                var t when t.StartsWith("elsewhere-", StringComparison.Ordinal) => Answer(true, "phish.example", null),
                _ => Answer(false, null, "invalid-input-response"),
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    static string Answer(bool success, string? hostname, string? error) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["success"] = success,
            ["challenge_ts"] = success ? "2030-01-01T12:00:00.000Z" : null,
            ["hostname"] = hostname,
            ["error-codes"] = error is null ? null : new[] { error },
        });

    static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}

public sealed class HCaptchaTests
{
    static HttpRequestMessage Hold(OnSale sale, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/performances/{sale.PerformanceId}/holds")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { section = "FLOOR", quantity = 1 }),
        };
        if (token is not null) request.Headers.Add(HCaptchaCheck.Header, token);
        return request;
    }

    [Fact]
    public async Task With_hCaptcha_configured_holds_need_a_token_that_siteverify_accepts_for_our_host()
    {
        await using var fake = new FakeSiteverify();
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true).WithClientAddresses()
            .With("Encore:BotDefense:Provider", "HCaptcha")
            .With("Encore:BotDefense:HCaptcha:Secret", FakeSiteverify.Secret)
            .With("Encore:BotDefense:HCaptcha:SiteKey", FakeSiteverify.SiteKey)
            .With("Encore:BotDefense:HCaptcha:VerifyUrl", fake.Url.ToString())
            .With("Encore:BotDefense:HCaptcha:ExpectedHostname", "tickets.example");
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var buyer = await app.NewBuyerAsync();

        Assert.Equal("missing", (await (await buyer.SendAsync(Hold(sale, null))).ProblemAsync(HttpStatusCode.PreconditionRequired))["reason"]!.GetValue<string>());
        Assert.Empty(fake.Requests);

        var rejected = await (await buyer.SendAsync(Hold(sale, "wrong-answer"))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("rejected", rejected["reason"]!.GetValue<string>());
        Assert.Contains("invalid-input-response", rejected["detail"]!.GetValue<string>());
        Assert.Equal("wrongHost", (await (await buyer.SendAsync(Hold(sale, "elsewhere-1"))).ProblemAsync(HttpStatusCode.Forbidden))["reason"]!.GetValue<string>());

        using (var fromAddress = Hold(sale, "pass-1"))
        {
            fromAddress.Headers.Add(BotDefenseClient.TestAddressHeader, "198.51.100.23");
            Assert.Equal(HttpStatusCode.Created, (await buyer.SendAsync(fromAddress)).StatusCode);
        }
        var sent = fake.Requests.Last();
        Assert.Equal(FakeSiteverify.Secret, sent["secret"]);
        Assert.Equal(FakeSiteverify.SiteKey, sent["sitekey"]);
        Assert.Equal("pass-1", sent["response"]);
        Assert.Equal("198.51.100.23", sent["remoteip"]);

        // siteverify spends a token on first use; the adapter passes its refusal on.
        Assert.Equal("rejected", (await (await buyer.SendAsync(Hold(sale, "pass-1"))).ProblemAsync(HttpStatusCode.Forbidden))["reason"]!.GetValue<string>());
        Assert.Equal(99, (await buyer.AvailabilityAsync(sale))["generalAdmission"]![0]!["remaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unreachable_siteverify_answers_503_not_a_pass()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true)
            .With("Encore:BotDefense:Provider", "HCaptcha")
            .With("Encore:BotDefense:HCaptcha:Secret", FakeSiteverify.Secret)
            .With("Encore:BotDefense:HCaptcha:SiteKey", FakeSiteverify.SiteKey)
            .With("Encore:BotDefense:HCaptcha:VerifyUrl", "http://127.0.0.1:9/siteverify");
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var sale = await organizer.PublishOnSaleAsync();
        var buyer = await app.NewBuyerAsync();
        Assert.Equal("unavailable", (await (await buyer.SendAsync(Hold(sale, "pass-1"))).ProblemAsync(HttpStatusCode.ServiceUnavailable))["reason"]!.GetValue<string>());
    }
}
