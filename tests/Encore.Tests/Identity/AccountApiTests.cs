using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Persistence;
using Encore.Tests.Infrastructure;

namespace Encore.Tests.Identity;

public sealed class AccountApiTests
{
    sealed record LoginResponse(string AccessToken, string RefreshToken);
    sealed record Me(Guid Id, string Email, string DisplayName, bool EmailConfirmed, string[] Roles);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_new_buyer_registers_confirms_by_mail_and_signs_in(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider);
        var client = app.CreateClient();
        var mailbox = app.Service<DevelopmentMailbox>();

        var register = await client.PostAsJsonAsync("/api/identity/register", new { email = "fan@example.org", password = "a long enough passphrase" });
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);

        var unconfirmed = await client.PostAsJsonAsync("/api/identity/login", new { email = "fan@example.org", password = "a long enough passphrase" });
        Assert.Equal(HttpStatusCode.Unauthorized, unconfirmed.StatusCode);

        var mail = Assert.Single(mailbox.Newest(), m => m.Message.To == "fan@example.org");
        var link = System.Text.RegularExpressions.Regex.Match(mail.Message.TextBody, @"https?://\S+").Value;
        var confirm = await client.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);

        var login = await client.PostAsJsonAsync("/api/identity/login", new { email = "fan@example.org", password = "a long enough passphrase" });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<LoginResponse>())!.AccessToken;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/identity/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<Me>();
        Assert.Equal("fan@example.org", me!.Email);
        Assert.Equal(["buyer"], me.Roles);
    }

    [Theory]
    [InlineData("/api/identity/manage/info")]
    [InlineData("/api/identity/me")]
    public async Task Account_endpoints_refuse_anonymous_callers(string path)
    {
        await using var app = EncoreAppFactory.Sqlite();
        var response = await app.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_account_get_the_same_answer()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var client = app.CreateClient();

        var wrong = await client.PostAsJsonAsync("/api/identity/login", new { email = "buyer@encore.test", password = "not the password at all" });
        var unknown = await client.PostAsJsonAsync("/api/identity/login", new { email = "nobody@encore.test", password = "not the password at all" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        var wrongProblem = await wrong.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();
        var unknownProblem = await unknown.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();
        Assert.Equal((wrongProblem!.Title, wrongProblem.Detail), (unknownProblem!.Title, unknownProblem.Detail));
    }
}
