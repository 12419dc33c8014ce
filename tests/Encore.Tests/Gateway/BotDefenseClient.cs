using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Tests.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Gateway;

internal static class BotDefenseClient
{
    public const string Chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
    public const string TestAddressHeader = "X-Test-Client-Address";

    /// <summary>Makes the client look like a browser a person uses: user agent, language, client hints.</summary>
    public static HttpClient AsBrowser(this HttpClient client, string userAgent = Chrome)
    {
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");
        client.DefaultRequestHeaders.Add("sec-ch-ua", "\"Chromium\";v=\"130\"");
        return client;
    }

    /// <summary>What the device script posts; the answer sets the device cookie on the client.</summary>
    public static async Task ReportDeviceAsync(this HttpClient client, bool bot = false, string visitorId = "0123456789abcdef")
    {
        var response = await client.PostAsJsonAsync("/api/bot-defense/signals", new { visitorId, bot, botKind = bot ? "headless_chrome" : null, webdriver = false });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public static async Task<Guid> UserIdAsync(this HttpClient client) =>
        (await (await client.GetAsync("/api/identity/me")).ReadJsonAsync())["id"]!.GetValue<Guid>();

    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    /// <summary>
    /// The test server has no client address; this puts the one a test names into the connection,
    /// where a real server (or the trusted proxy's X-Forwarded-For) would have put it.
    /// </summary>
    public static EncoreAppFactory WithClientAddresses(this EncoreAppFactory app) =>
        app.WithServices(s => s.AddSingleton<IStartupFilter, ClientAddressFilter>());

    sealed class ClientAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (IPAddress.TryParse(http.Request.Headers[TestAddressHeader].ToString(), out var address))
                    http.Connection.RemoteIpAddress = address;
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
