using System.Net;
using System.Net.Http.Headers;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Encore.Tests.Hosting;

/// <summary>Browsers get pages for errors, API clients get problem+json, from the same addresses.</summary>
public sealed class PageErrorTests
{
    static HttpRequestMessage Browser(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }

    [Fact]
    public async Task An_unknown_address_is_a_not_found_page_for_a_browser_and_problem_json_for_an_api_client()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.SendAsync(Browser("/no/such/page"));
        var api = await client.GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Page not found</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_account_page_sends_an_anonymous_visitor_to_sign_in_and_back()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.SendAsync(Browser("/account/change-password"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login?ReturnUrl=%2Faccount%2Fchange-password", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task The_development_mailbox_does_not_exist_once_smtp_is_configured()
    {
        await using var app = EncoreAppFactory.Sqlite().With("Encore:Email:Smtp:Host", "127.0.0.1");
        var client = app.CreateClient();

        var list = await client.SendAsync(Browser("/dev/mailbox"));
        var message = await client.SendAsync(Browser($"/dev/mailbox/{Guid.NewGuid()}"));

        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, message.StatusCode);
    }

    [Fact]
    public async Task The_development_mailbox_does_not_exist_in_production()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.WithWebHostBuilder(b => b.UseEnvironment("Production")).CreateClient();

        var list = await client.SendAsync(Browser("/dev/mailbox"));

        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
    }

    [Fact]
    public async Task The_api_reference_lists_the_operations_of_the_openapi_document()
    {
        await using var app = EncoreAppFactory.Sqlite();
        var client = app.CreateClient();

        var html = await (await client.SendAsync(Browser("/api-reference"))).Content.ReadAsStringAsync();

        Assert.Contains("href=\"/openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.Contains("/api/identity/me</h3>", html, StringComparison.Ordinal);
        Assert.Contains("policy signed-in", html, StringComparison.Ordinal);
        Assert.Contains("MeResponse", html, StringComparison.Ordinal);
    }
}
