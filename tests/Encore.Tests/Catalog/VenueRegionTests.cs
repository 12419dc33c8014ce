using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.Tests.Infrastructure;

namespace Encore.Tests.Catalog;

/// <summary>
/// A venue's region (ISO 3166-2) over the organizer API: required in the US, where sales tax is set
/// by the state, and only a state the tax tables know; optional elsewhere but then a code of the
/// venue's own country. A refused venue leaves nothing behind.
/// </summary>
public sealed class VenueRegionTests
{
    static JsonNode Venue(string country, string? region, string zone)
    {
        var venue = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(CatalogClient.SmallVenue("Region Hall " + Guid.NewGuid().ToString("N")[..6]), CatalogClient.Json))!;
        venue["countryCode"] = country;
        venue["timeZone"] = zone;
        if (region is not null) venue["region"] = region;
        return venue;
    }

    [Theory]
    [InlineData("US", null, "needs its region")]
    [InlineData("US", "", "needs its region")]
    [InlineData("US", "US-ZZ", "Tax has no rules for region 'US-ZZ'")]
    [InlineData("US", "us-tx", "must be an ISO 3166-2 code of US")]
    [InlineData("US", "TX", "must be an ISO 3166-2 code of US")]
    [InlineData("US", "US-TEXAS", "must be an ISO 3166-2 code of US")]
    [InlineData("GB", "US-NY", "must be an ISO 3166-2 code of GB")]
    public async Task A_venue_without_a_region_tax_can_price_is_refused_with_a_problem_naming_the_field(string country, string? region, string message)
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var before = (await (await organizer.GetAsync("/api/organizer/venues")).Content.ReadFromJsonAsync<JsonArray>())!.Count;

        var response = await organizer.PostAsJsonAsync("/api/organizer/venues", Venue(country, region, country == "US" ? "America/New_York" : "Europe/London"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.ReadJsonAsync())["errors"]!.AsObject();
        Assert.Equal(["region"], errors.Select(e => e.Key));
        Assert.Contains(message, errors["region"]![0]!.GetValue<string>());
        Assert.Equal(before, (await (await organizer.GetAsync("/api/organizer/venues")).Content.ReadFromJsonAsync<JsonArray>())!.Count);
    }

    [Theory]
    [InlineData("US", "US-NY", "America/New_York")]
    [InlineData("US", "US-TN", "America/Chicago")]
    [InlineData("GB", null, "Europe/London")]
    [InlineData("DE", "DE-BE", "Europe/Berlin")]
    public async Task A_venue_with_a_known_region_or_none_needed_is_imported_and_reads_back_its_region(string country, string? region, string zone)
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");

        var created = await organizer.PostAsJsonAsync("/api/organizer/venues", Venue(country, region, zone));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.Equal(region, body["region"]?.GetValue<string>());
        var id = body["id"]!.GetValue<Guid>();
        var map = await (await organizer.GetAsync($"/api/organizer/venues/{id}")).ReadJsonAsync();
        Assert.Equal(region, map["region"]?.GetValue<string>());
        var listed = (await (await organizer.GetAsync("/api/organizer/venues")).Content.ReadFromJsonAsync<JsonArray>())!
            .Single(v => v!["id"]!.GetValue<Guid>() == id)!;
        Assert.Equal(region, listed["region"]?.GetValue<string>());
    }

    [Fact]
    public async Task The_demo_has_a_US_venue_in_a_state_with_sales_tax_on_admissions()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var client = app.CreateClient();

        var ev = await (await client.GetAsync("/api/events/harmony-creek-nashville")).ReadJsonAsync();
        Assert.Equal("US", ev["venue"]!["countryCode"]!.GetValue<string>());
        Assert.Equal("US-TN", ev["venue"]!["region"]!.GetValue<string>());
        Assert.Equal("onSale", ev["status"]!.GetValue<string>());
        Assert.Equal("USD", ev["tiers"]![0]!["price"]!["currency"]!.GetValue<string>());
    }
}
