using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Encore.BuildingBlocks.Persistence;
using Encore.Catalog.Venues;
using Encore.Contracts.Tax;
using Encore.Tax;
using Encore.Tax.Rates;
using Microsoft.Extensions.Configuration;
using Encore.Tests.Infrastructure;

namespace Encore.Tests.Catalog;

public sealed class SeatMapImportTests
{
    /// <summary>The tax module's own answer from its shipped tables, as the app has it.</summary>
    internal static readonly ITaxJurisdictions Taxes = new TaxJurisdictions(
        JurisdictionTable.Load(new ConfigurationBuilder().Build()), TaxOptions.From(new ConfigurationBuilder().Build()));

    [Fact]
    public async Task An_import_with_a_repeated_seat_names_the_offending_seat()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var venue = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(CatalogClient.SmallVenue(), CatalogClient.Json))!;
        venue["sections"]![0]!["rows"]![1]!["seats"]![4]!["label"] = "4";
        var venuesBefore = (await (await organizer.GetAsync("/api/organizer/venues")).Content.ReadFromJsonAsync<JsonArray>())!.Count;

        var response = await organizer.PostAsJsonAsync("/api/organizer/venues", venue);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.ReadJsonAsync())["errors"]!.AsObject();
        var messages = errors["sections[0].rows[1].seats[4].label"]!.AsArray();
        Assert.Equal("Seat label '4' appears twice in row 'B' of section 'STALLS'.", messages[0]!.GetValue<string>());
        Assert.Equal(venuesBefore, (await (await organizer.GetAsync("/api/organizer/venues")).Content.ReadFromJsonAsync<JsonArray>())!.Count);
    }

    [Fact]
    public void Every_rule_of_the_format_is_checked_with_the_path_of_the_item()
    {
        var seat = new SeatDocument("1", 10, 10);
        var doc = new SeatMapDocument("Hall", "Street", "City", "gb", "Mars/Olympus", 100, 100,
        [
            new SectionDocument("STALLS", "Stalls", SectionKind.Reserved, null, null, null, null, null, null,
                [new RowDocument("A", [seat]), new RowDocument("A", [seat with { X = 500 }])]),
            new SectionDocument("STALLS", "Again", SectionKind.Reserved, null, null, null, null, null, null, []),
            new SectionDocument("FLOOR", "Floor", SectionKind.GeneralAdmission, null, 0, null, null, null, null, null),
            new SectionDocument("bad code", "", SectionKind.GeneralAdmission, null, 100_001, 0, 0, 50, null, null),
        ]);

        var errors = SeatMapImport.Validate(doc, Taxes);

        Assert.Contains("countryCode", errors.Keys);
        Assert.Contains("timeZone", errors.Keys);
        Assert.Equal("Row label 'A' appears twice in section 'STALLS'.", errors["sections[0].rows[1].label"].Single());
        Assert.Contains("outside the drawing", errors["sections[0].rows[1].seats[0]"].Single());
        Assert.Contains("codes are unique per venue", errors["sections[1].code"].Single());
        Assert.Equal("Reserved section 'STALLS' needs at least one seat.", errors["sections[1].rows"].Single());
        Assert.Contains("capacity between 1 and 100,000", errors["sections[2].capacity"].Single());
        Assert.Contains("capacity between 1 and 100,000", errors["sections[3].capacity"].Single());
        Assert.Contains("may contain only capital letters", errors["sections[3].code"].Single());
        Assert.Contains("sections[3].name", errors.Keys);
        Assert.Contains("part of an outline", errors["sections[3]"].Single());
    }

    [Fact]
    public void The_documented_example_is_a_valid_seat_map()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Encore.slnx"))) root = root.Parent;
        var markdown = File.ReadAllText(Path.Combine(root!.FullName, "docs", "seat-map-format.md"));
        var example = markdown[(markdown.IndexOf("## A full example", StringComparison.Ordinal))..];
        var json = example[(example.IndexOf("```json", StringComparison.Ordinal) + 7)..example.IndexOf("```\n", example.IndexOf("```json", StringComparison.Ordinal) + 7, StringComparison.Ordinal)];

        var doc = System.Text.Json.JsonSerializer.Deserialize<SeatMapDocument>(json, CatalogClient.Json)!;

        Assert.Empty(SeatMapImport.Validate(doc, Taxes));
        Assert.Equal(3, doc.Sections!.Count);
        Assert.Equal(SectionKind.GeneralAdmission, doc.Sections[2].Kind);
    }

    [Fact]
    public async Task Malformed_json_and_unknown_kinds_answer_400_problems()
    {
        await using var app = EncoreAppFactory.Sqlite(seedDemo: true);
        var organizer = await app.SignedInAsync("organizer@encore.test");
        var eventId = await organizer.CreateDraftAsync(await organizer.CreateVenueAsync());

        var unknownKind = await organizer.PostAsync($"/api/organizer/events/{eventId}/windows",
            new StringContent("""{"kind":"flash","startsAt":"2030-01-01T10:00:00Z","endsAt":"2030-01-02T10:00:00Z"}""", System.Text.Encoding.UTF8, "application/json"));
        var broken = await organizer.PostAsync("/api/organizer/venues", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, unknownKind.StatusCode);
        Assert.Equal("application/problem+json", unknownKind.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void A_venue_over_the_seat_limit_is_refused_before_anything_else_is_checked()
    {
        var rows = Enumerable.Range(0, 120).Select(r => new RowDocument($"R{r}", Enumerable.Range(1, 450).Select(n => new SeatDocument(n.ToString(), 1, 1)).ToList())).ToList();
        var doc = new SeatMapDocument("Huge", "Street", "City", "GB", "Europe/London", 100, 100,
            [new SectionDocument("ARENA", "Arena", SectionKind.Reserved, null, null, null, null, null, null, rows)]);

        var errors = SeatMapImport.Validate(doc, Taxes);

        Assert.Equal("A venue has at most 50,000 seats; this one has 54,000.", errors["sections"].Single());
    }

    [Fact]
    public void The_demo_theatre_is_a_valid_seat_map_of_more_than_two_thousand_seats()
    {
        var theatre = DemoVenues.Theatre();

        Assert.Empty(SeatMapImport.Validate(theatre, Taxes));
        var seats = theatre.Sections!.SelectMany(s => s.Rows!).SelectMany(r => r.Seats!).ToList();
        Assert.True(seats.Count > 2000);
        Assert.Contains(seats, s => s.Wheelchair);
        Assert.Contains(seats, s => s.Companion);
        Assert.Contains(seats, s => s.RestrictedView);
        Assert.Equal(4, theatre.Sections!.Count(s => s.Code!.StartsWith("BOX", StringComparison.Ordinal)));
        Assert.Empty(SeatMapImport.Validate(DemoVenues.Club(), Taxes));
        Assert.Empty(SeatMapImport.Validate(DemoVenues.Ballroom(), Taxes));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task The_demo_programme_shows_every_status_to_buyers(StorageProvider provider)
    {
        await using var app = EncoreAppFactory.For(provider, seedDemo: true);
        var client = app.CreateClient();

        var list = await (await client.GetAsync("/api/events?city=Manchester&pageSize=50")).ReadJsonAsync();
        var statuses = list["items"]!.AsArray().ToDictionary(i => i!["slug"]!.GetValue<string>(), i => i!["status"]!.GetValue<string>());
        Assert.Equal("onSale", statuses["aurora-skies-winter-tour"]);
        Assert.Equal("onSale", statuses["crescent-symphonia-mahler-5"]);
        Assert.Equal("published", statuses["midnight-quartet"]);
        Assert.Equal("soldOut", statuses["neon-pulse"]);
        Assert.DoesNotContain("hollow-pines", statuses.Keys);
        Assert.DoesNotContain("lowland-folk-session", statuses.Keys);
        Assert.Equal("cancelled", (await (await client.GetAsync("/api/events/hollow-pines")).ReadJsonAsync())["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/events/lowland-folk-session")).StatusCode);

        var facets = await (await client.GetAsync("/api/events/facets")).ReadJsonAsync();
        Assert.Equal(["Manchester", "Nashville"], facets["cities"]!.AsArray().Select(c => c!.GetValue<string>()));

        var theatre = (await (await client.GetAsync("/api/events/midnight-quartet")).ReadJsonAsync())["venue"]!["id"]!.GetValue<Guid>();
        var map = await (await client.GetAsync($"/api/venues/{theatre}/seatmap")).ReadJsonAsync();
        Assert.True(map["seatCount"]!.GetValue<int>() > 2000);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/venues/{Guid.NewGuid()}/seatmap")).StatusCode);
    }
}
