using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Encore.Contracts.Identity;
using Encore.Identity;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Catalog;

/// <summary>What the catalog stories share: signing in, a small venue, and a complete event to publish.</summary>
internal static class CatalogClient
{
    public const string Password = "encore-demo-pass";

    public static async Task<HttpClient> SignedInAsync(this EncoreAppFactory app, string email, string password = Password)
    {
        var client = app.CreateClient();
        var token = (await app.LoginAsync(client, email, password))["accessToken"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A second organizer organization with its own member, made the way an operator would: account, role, then the admin API.</summary>
    public static async Task<HttpClient> SecondOrganizerAsync(this EncoreAppFactory app)
    {
        var email = $"rival-{Guid.NewGuid():N}@encore.test";
        Guid userId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EncoreUser>>();
            var user = new EncoreUser { Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Rival", CreatedAt = TimeProvider.System.GetUtcNow() };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Organizer)).Succeeded);
            userId = user.Id;
        }
        // Organizers must sign in with a second factor.
        await app.EnableAuthenticatorAsync(email);
        var admin = await app.SignedInAsync("admin@encore.test");
        var created = await admin.PostAsJsonAsync("/api/admin/organizers", new { name = "Rival Promotions " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var organizerId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var added = await admin.PostAsJsonAsync($"/api/admin/organizers/{organizerId}/members", new { userId });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, added.StatusCode);
        return await app.SignedInAsync(email);
    }

    /// <summary>A small hall: two reserved rows and a standing area.</summary>
    public static object SmallVenue(string name = "The Test Hall", string city = "Leeds") => new
    {
        name,
        address = "1 Test Street",
        city,
        countryCode = "GB",
        timeZone = "Europe/London",
        width = 400,
        height = 300,
        sections = new object[]
        {
            new
            {
                code = "STALLS", name = "Stalls", kind = "reserved", priceZone = "A",
                rows = new[] { "A", "B" }.Select((row, r) => new
                {
                    label = row,
                    seats = Enumerable.Range(1, 10).Select(n => new { label = n.ToString(), x = 20 + n * 30, y = 50 + r * 30, wheelchair = n == 1, companion = n == 2, aisle = n is 1 or 10 }).ToArray(),
                }).ToArray(),
            },
            new { code = "FLOOR", name = "Standing", kind = "generalAdmission", priceZone = "B", capacity = 100, x = 10, y = 150, width = 380, height = 100 },
        },
    };

    public static async Task<JsonObject> ReadJsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public static async Task<Guid> CreateVenueAsync(this HttpClient organizer, object? venue = null)
    {
        var response = await organizer.PostAsJsonAsync("/api/organizer/venues", venue ?? SmallVenue());
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync())["id"]!.GetValue<Guid>();
    }

    public static async Task<Guid> CreateDraftAsync(this HttpClient organizer, Guid venueId, string title = "Test Night", string genre = "rock")
    {
        var response = await organizer.PostAsJsonAsync("/api/organizer/events", new { venueId, title, description = "A night to test by.", genre });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync())["event"]!["id"]!.GetValue<Guid>();
    }

    /// <summary>Local date-time at the venue, some days from today, as the API takes it (no offset).</summary>
    public static string LocalInDays(int days, int hour = 19) =>
        TimeProvider.System.GetUtcNow().UtcDateTime.Date.AddDays(days).AddHours(hour).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task MakeReadyAsync(this HttpClient organizer, Guid eventId, int inDays = 30)
    {
        Assert.Equal(System.Net.HttpStatusCode.Created, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/performances", new { startsAt = LocalInDays(inDays) })).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/tiers", new { name = "Stalls", priceMinor = 4500, currency = "GBP", sectionCodes = new[] { "STALLS" } })).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/windows", new { kind = "general", startsAt = TimeProvider.System.GetUtcNow().AddHours(-1), endsAt = TimeProvider.System.GetUtcNow().AddDays(inDays) })).StatusCode);
    }

    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
}
