using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Encore.Catalog;
using Encore.Contracts.Catalog;
using Encore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tests.Catalog;

public sealed class OrganizerStoryTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_organizer_imports_a_venue_builds_an_event_publishes_it_and_buyers_find_it(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var anonymous = app.CreateClient();

        var venueId = await organizer.CreateVenueAsync(CatalogClient.SmallVenue("The Test Hall", "Leeds"));
        // Unannounced: only the organizer's staff see the map until an event there is published.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/venues/{venueId}/seatmap")).StatusCode);
        var map = await (await organizer.GetAsync($"/api/venues/{venueId}/seatmap")).ReadJsonAsync();
        Assert.Equal(20, map["seatCount"]!.GetValue<int>());
        Assert.Equal(100, map["generalAdmissionCapacity"]!.GetValue<int>());
        var seatA1 = map["sections"]![0]!["rows"]![0]!["seats"]![0]!;
        Assert.True(seatA1["wheelchair"]!.GetValue<bool>());
        Assert.Equal(50, seatA1["x"]!.GetValue<double>());

        var eventId = await organizer.CreateDraftAsync(venueId, "Saxophone Summit", "jazz");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/events/{eventId}")).StatusCode);

        var performance = await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/performances",
            new { startsAt = CatalogClient.LocalInDays(40, 20), doorsAt = CatalogClient.LocalInDays(40, 19), durationMinutes = 120 });
        Assert.Equal(HttpStatusCode.Created, performance.StatusCode);
        var tier = await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/tiers",
            new { name = "Standing", priceMinor = 2750, currency = "GBP", priceZone = "B", maxPerOrder = 6 });
        Assert.Equal(HttpStatusCode.Created, tier.StatusCode);
        var presale = await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/windows",
            new { kind = "presale", startsAt = TimeProvider.System.GetUtcNow().AddHours(-1), endsAt = TimeProvider.System.GetUtcNow().AddDays(2), accessCode = "SAXFANS" });
        Assert.Equal(HttpStatusCode.Created, presale.StatusCode);
        var general = await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/windows",
            new { kind = "general", startsAt = TimeProvider.System.GetUtcNow().AddDays(2), endsAt = TimeProvider.System.GetUtcNow().AddDays(40) });
        Assert.Equal(HttpStatusCode.Created, general.StatusCode);

        var published = await organizer.PostAsync($"/api/organizer/events/{eventId}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("published", (await published.ReadJsonAsync())["storedStatus"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/venues/{venueId}/seatmap")).StatusCode);

        // Buyers find it by city, genre, date range and text; other filters leave it out.
        var from = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(39)).ToString("yyyy-MM-dd");
        var to = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(41)).ToString("yyyy-MM-dd");
        Assert.Equal([eventId], await ListAsync(anonymous, $"city=leeds&genre=jazz&from={from}&to={to}&q=summit"));
        Assert.Equal([eventId], await ListAsync(anonymous, "q=test%20hall&city=Leeds"));
        Assert.Empty(await ListAsync(anonymous, "city=Leeds&genre=rock"));
        Assert.Empty(await ListAsync(anonymous, $"city=Leeds&to={from[..8]}01"));

        var detail = await (await anonymous.GetAsync("/api/events/saxophone-summit")).ReadJsonAsync();
        Assert.Equal(eventId, detail["id"]!.GetValue<Guid>());
        Assert.Equal("onSale", detail["status"]!.GetValue<string>());
        Assert.Equal(2750, detail["fromPrice"]!["minor"]!.GetValue<long>());
        Assert.Equal("Europe/London", detail["performances"]![0]!["timeZone"]!.GetValue<string>());
        var windows = detail["windows"]!.AsArray();
        Assert.True(windows[0]!["requiresAccessCode"]!.GetValue<bool>());
        Assert.DoesNotContain("SAXFANS", detail.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("accessCodeHash", detail.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        var check = await organizer.PostAsJsonAsync($"/api/events/{eventId}/presale-access", new { code = "saxfans" });
        Assert.True((await check.ReadJsonAsync())["accepted"]!.GetValue<bool>());

        // Publishing told the other modules through the outbox, in the same transaction.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var messages = await db.Set<OutboxMessage>().Where(m => m.Type == typeof(EventPublished).FullName).ToListAsync();
        Assert.Contains(messages, m => m.Payload.Contains(eventId.ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Another_organizers_venues_and_events_do_not_exist_for_you(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var rival = await app.SecondOrganizerAsync();
        var venueId = await organizer.CreateVenueAsync();
        var eventId = await organizer.CreateDraftAsync(venueId);

        Assert.Equal(HttpStatusCode.NotFound, (await rival.GetAsync($"/api/organizer/venues/{venueId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.GetAsync($"/api/organizer/events/{eventId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.PostAsJsonAsync("/api/organizer/events", new { venueId, title = "Hijack", genre = "rock" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.PostAsJsonAsync($"/api/organizer/events/{eventId}/tiers", new { name = "X", priceMinor = 1, currency = "GBP", priceZone = "A" })).StatusCode);
        var publish = await rival.PostAsync($"/api/organizer/events/{eventId}/publish", null);
        Assert.Equal(HttpStatusCode.NotFound, publish.StatusCode);
        Assert.Equal("application/problem+json", publish.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.PostAsJsonAsync($"/api/organizer/events/{eventId}/cancel", new { reason = "mine now" })).StatusCode);

        var rivalEvents = await (await rival.GetAsync("/api/organizer/events")).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Empty(rivalEvents!);
        var ownEvents = await (await organizer.GetAsync("/api/organizer/events")).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Contains(ownEvents!, e => e!["id"]!.GetValue<Guid>() == eventId);

        // A buyer is no organizer at all.
        var buyer = await app.SignedInAsync("buyer@encore.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await buyer.GetAsync("/api/organizer/events")).StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Publishing_without_tiers_is_refused_and_cancelling_twice_too(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var eventId = await organizer.CreateDraftAsync(await organizer.CreateVenueAsync());
        var past = await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/performances", new { startsAt = CatalogClient.LocalInDays(-2) });
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("has passed", (await past.ReadJsonAsync())["errors"]!["startsAt"]![0]!.GetValue<string>());
        await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/performances", new { startsAt = CatalogClient.LocalInDays(10) });

        var publish = await organizer.PostAsync($"/api/organizer/events/{eventId}/publish", null);

        Assert.Equal(HttpStatusCode.Conflict, publish.StatusCode);
        Assert.Equal("application/problem+json", publish.Content.Headers.ContentType?.MediaType);
        var problem = await publish.ReadJsonAsync();
        Assert.Equal("Event is not ready to publish", problem["title"]!.GetValue<string>());
        Assert.Contains("ticket tier", problem["detail"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/cancel", new { reason = "Venue flooded" })).StatusCode);
        var again = await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/cancel", new { reason = "Still flooded" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("Event is already cancelled", (await again.ReadJsonAsync())["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_create_retried_with_the_same_idempotency_key_replays_and_another_body_is_refused(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var venueId = await organizer.CreateVenueAsync();

        async Task<HttpResponseMessage> Create(string title)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/organizer/events")
            {
                Content = JsonContent.Create(new { venueId, title, genre = "pop" }),
            };
            request.Headers.Add("Idempotency-Key", "create-pop-night-1");
            return await organizer.SendAsync(request);
        }

        var first = await Create("Pop Night");
        var retry = await Create("Pop Night");
        var other = await Create("Another Night");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var firstId = (await first.ReadJsonAsync())["event"]!["id"]!.GetValue<Guid>();
        Assert.Equal(firstId, (await retry.ReadJsonAsync())["event"]!["id"]!.GetValue<Guid>());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);

        var events = await (await organizer.GetAsync("/api/organizer/events")).Content.ReadFromJsonAsync<JsonArray>();
        Assert.Single(events!, e => e!["title"]!.GetValue<string>() is "Pop Night" or "Another Night");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_edit_based_on_a_stale_version_answers_409(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var colleague = await app.SignedInAsync("organizer@encore.test");
        var eventId = await organizer.CreateDraftAsync(await organizer.CreateVenueAsync(), "Draft Title");
        var version = (await (await organizer.GetAsync($"/api/organizer/events/{eventId}")).ReadJsonAsync())["version"]!.GetValue<Guid>();

        var mine = await organizer.PutAsJsonAsync($"/api/organizer/events/{eventId}", new { title = "My Title", genre = "rock", version });
        var theirs = await colleague.PutAsJsonAsync($"/api/organizer/events/{eventId}", new { title = "Their Title", genre = "rock", version });

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, theirs.StatusCode);
        Assert.Equal("Event changed since you read it", (await theirs.ReadJsonAsync())["title"]!.GetValue<string>());
        var current = await (await organizer.GetAsync($"/api/organizer/events/{eventId}")).ReadJsonAsync();
        Assert.Equal("My Title", current["event"]!["title"]!.GetValue<string>());

        // A child edit with a stale If-Match is refused the same way.
        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/organizer/events/{eventId}/performances")
        {
            Content = JsonContent.Create(new { startsAt = CatalogClient.LocalInDays(5) }),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        Assert.Equal(HttpStatusCode.Conflict, (await colleague.SendAsync(stale)).StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Changing_a_published_event_writes_EventChanged_and_cancelling_writes_EventCancelled(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var eventId = await organizer.CreateDraftAsync(await organizer.CreateVenueAsync());
        await organizer.MakeReadyAsync(eventId);
        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsync($"/api/organizer/events/{eventId}/publish", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/performances", new { startsAt = CatalogClient.LocalInDays(31) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await organizer.PostAsJsonAsync($"/api/organizer/events/{eventId}/cancel", new { reason = "Tour postponed" })).StatusCode);

        var detail = await (await app.CreateClient().GetAsync($"/api/events/{eventId}")).ReadJsonAsync();
        Assert.Equal("cancelled", detail["status"]!.GetValue<string>());
        Assert.Equal("Tour postponed", detail["cancellationReason"]!.GetValue<string>());

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var types = await db.Set<OutboxMessage>().Where(m => m.Payload.Contains(eventId.ToString())).OrderBy(m => m.OccurredAt).Select(m => m.Type).ToListAsync();
        Assert.Equal([typeof(EventPublished).FullName!, typeof(EventChanged).FullName!, typeof(EventCancelled).FullName!], types);
    }

    static async Task<List<Guid>> ListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/events?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync())["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();
    }
}
