using System.Net;
using System.Text.RegularExpressions;
using Encore.BuildingBlocks.Email;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace Encore.Tests.Identity;

/// <summary>
/// One browser over plain HTTP: its own cookie jar (so its own device cookie), following redirects,
/// submitting the pages' forms with their antiforgery token the way a browser without script does.
/// </summary>
internal sealed partial class PageVisitor
{
    public const string DemoPassword = "encore-demo-pass";

    public HttpClient Client { get; }
    public CookieContainer Cookies { get; }

    public PageVisitor(EncoreAppFactory app, params (string Name, string Value)[] headers) : this(app, new CookieContainer(), headers) { }

    /// <summary>The same browser (its cookies) sending other headers, or talking to another instance.</summary>
    public PageVisitor(EncoreAppFactory app, CookieContainer cookies, params (string Name, string Value)[] headers)
    {
        Cookies = cookies;
        Client = app.CreateDefaultClient(new Uri("http://localhost"), new RedirectHandler(), new CookieContainerHandler(Cookies));
        foreach (var (name, value) in headers) Client.DefaultRequestHeaders.Add(name, value);
    }

    public static PageVisitor On(EncoreAppFactory app, params (string Name, string Value)[] headers) => new(app, headers);

    /// <summary>Submits the form named <paramref name="formName"/> on the page at <paramref name="path"/>.</summary>
    public async Task<Page> SubmitAsync(string path, string formName, params (string Name, string Value)[] fields)
    {
        var form = await GetAsync(path);
        var token = AntiforgeryToken().Match(form.Html);
        Assert.True(token.Success, $"{path} has no form token");
        var content = new FormUrlEncodedContent([KeyValuePair.Create("_handler", formName), KeyValuePair.Create("__RequestVerificationToken", token.Groups[1].Value), .. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))]);
        using var response = await Client.PostAsync(path, content);
        return new Page(response.RequestMessage!.RequestUri!.AbsolutePath, (int)response.StatusCode, await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues("Retry-After", out var retryAfter) ? retryAfter.Single() : null);
    }

    public async Task<Page> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return new Page(response.RequestMessage!.RequestUri!.AbsolutePath, (int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<Page> SignInAsync(string email, string password = DemoPassword) =>
        SubmitAsync("/account/login", "login", ("Input.Email", email), ("Input.Password", password));

    /// <summary>Whether the browser is signed in: the account page answers instead of sending it to sign in.</summary>
    public async Task<bool> IsSignedInAsync() => (await GetAsync("/account")).Path == "/account";

    public static string LatestCode(DevelopmentMailbox mailbox, string email) =>
        SixDigits().Match(mailbox.Newest().First(m => m.Message.To == email && m.Message.Subject.StartsWith("Your Encore sign-in code", StringComparison.Ordinal)).Message.Subject).Value;

    internal sealed record Page(string Path, int Status, string Html, string? RetryAfter = null);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex SixDigits();
}
