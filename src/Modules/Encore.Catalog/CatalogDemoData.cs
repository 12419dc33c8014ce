using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Outbox;
using Encore.Catalog.Events;
using Encore.Catalog.Organizers;
using Encore.Catalog.Venues;
using Encore.Contracts.Catalog;
using Encore.Contracts.Tax;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog;

/// <summary>
/// The demo organizer, its two Manchester venues and one in Nashville, and a programme of events
/// around "now", so the site shows every status (on sale, presale, coming soon, sold out,
/// cancelled, draft) and a US sale with sales tax added. Idempotent: each piece is looked up by its
/// natural key first.
/// </summary>
internal sealed class CatalogDemoData(CatalogDbContext db, ITaxJurisdictions taxes, TimeProvider clock)
{
    public const string OrganizerSlug = "northern-lights-live";
    public const string TheatreName = "The Royal Crescent Theatre";
    public const string ClubName = "The Foundry";
    public const string BallroomName = "The Cumberland Ballroom";
    public const string PresaleCode = "CRESCENT";
    const string Zone = "Europe/London";

    /// <param name="organizerUserId">The demo organizer's account.</param>
    /// <param name="gateStaff">Accounts with the scanner role that work this organizer's gates (members without the organizer role manage nothing).</param>
    public async Task EnsureAsync(Guid organizerUserId, params Guid[] gateStaff)
    {
        var now = clock.GetUtcNow();
        var organizer = await db.Organizers.SingleOrDefaultAsync(o => o.Slug == OrganizerSlug);
        if (organizer is null)
        {
            organizer = new Organizer { Id = Ids.New(), Name = "Northern Lights Live", Slug = OrganizerSlug, CreatedAt = now };
            db.Organizers.Add(organizer);
        }
        if (!await db.OrganizerMembers.AnyAsync(m => m.OrganizerId == organizer.Id && m.UserId == organizerUserId))
            db.OrganizerMembers.Add(new OrganizerMember { OrganizerId = organizer.Id, UserId = organizerUserId, AddedAt = now });
        foreach (var staff in gateStaff)
            if (!await db.OrganizerMembers.AnyAsync(m => m.OrganizerId == organizer.Id && m.UserId == staff))
                db.OrganizerMembers.Add(new OrganizerMember { OrganizerId = organizer.Id, UserId = staff, AddedAt = now });
        await db.SaveChangesAsync();

        var theatre = await EnsureVenueAsync(organizer.Id, DemoVenues.Theatre());
        var club = await EnsureVenueAsync(organizer.Id, DemoVenues.Club());
        var ballroom = await EnsureVenueAsync(organizer.Id, DemoVenues.Ballroom());

        foreach (var plan in Programme(theatre, club, ballroom))
            await EnsureEventAsync(organizer.Id, plan, now);
    }

    async Task<Guid> EnsureVenueAsync(Guid organizerId, SeatMapDocument document)
    {
        var existing = await db.Venues.Where(v => v.OrganizerId == organizerId && v.Name == document.Name).Select(v => (Guid?)v.Id).SingleOrDefaultAsync();
        if (existing is { } id) return id;
        var errors = SeatMapImport.Validate(document, taxes);
        if (errors.Count > 0)
            throw new InvalidOperationException($"Demo venue '{document.Name}' is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        var venue = SeatMapImport.ToVenue(document, organizerId, clock.GetUtcNow());
        db.Venues.Add(venue);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return venue.Id;
    }

    enum Outcome { Published, SoldOut, Cancelled, Draft }

    sealed record Show(int DaysFromNow, int Hour, int Minute);

    /// <param name="EndsInDays">Null: the window runs until the last show starts.</param>
    sealed record Window(OnSaleKind Kind, int StartsInDays, int? EndsInDays = null, string? Code = null);

    sealed record Plan(
        string Slug, string Title, string Genre, string Description, Guid VenueId, Show[] Shows,
        (string Name, long Minor, string Zone)[] Tiers, Window[] Windows, Outcome Outcome,
        string Currency = "GBP", string TimeZone = Zone);

    IEnumerable<Plan> Programme(Guid theatre, Guid club, Guid ballroom)
    {
        (string, long, string)[] theatreTiers = [("Box", 9500, "BOX"), ("Stalls", 6500, "STALLS"), ("Dress Circle", 5200, "CIRCLE"), ("Upper Circle", 3200, "UPPER")];
        (string, long, string)[] clubTiers = [("Standing", 3500, "FLOOR"), ("Balcony", 4500, "BALCONY")];
        yield return new("aurora-skies-winter-tour", "Aurora Skies: Winter Tour", "rock",
            "Manchester's loudest four-piece bring their new album home for two nights at The Foundry.",
            club, [new(20, 19, 30), new(21, 19, 30)], clubTiers,
            [new(OnSaleKind.General, -7)], Outcome.Published);
        yield return new("crescent-symphonia-mahler-5", "Crescent Symphonia: Mahler 5", "classical",
            "The Crescent Symphonia perform Mahler's Fifth Symphony, with the Adagietto by candlelight.",
            theatre, [new(35, 19, 0)], theatreTiers,
            [new(OnSaleKind.Presale, -1, 6, PresaleCode), new(OnSaleKind.General, 6)], Outcome.Published);
        yield return new("midnight-quartet", "The Midnight Quartet", "jazz",
            "Late-night standards and new compositions from the quartet that closed last year's jazz festival.",
            theatre, [new(14, 20, 0), new(15, 20, 0)], theatreTiers,
            [new(OnSaleKind.General, 7)], Outcome.Published);
        yield return new("neon-pulse", "Neon Pulse All-Nighter", "electronic",
            "Six hours of techno and house across the floor and balcony of The Foundry.",
            club, [new(10, 22, 0)], clubTiers,
            [new(OnSaleKind.General, -14)], Outcome.SoldOut);
        yield return new("paper-lanterns", "Paper Lanterns", "pop",
            "The chart-topping duo play their debut album in full, with a string section.",
            theatre, [new(50, 19, 30)], theatreTiers,
            [new(OnSaleKind.General, -2)], Outcome.Published);
        yield return new("hollow-pines", "Hollow Pines", "folk",
            "An evening of harmonies and fiddle tunes from the Cumbrian folk trio.",
            club, [new(28, 19, 30)], clubTiers,
            [new(OnSaleKind.General, -3)], Outcome.Cancelled);
        yield return new("lowland-folk-session", "Lowland Folk Session", "folk",
            "A winter session of folk songs and stories; details to be announced.",
            theatre, [new(70, 19, 30)], theatreTiers,
            [new(OnSaleKind.General, 30)], Outcome.Draft);
        yield return new("harmony-creek-nashville", "Harmony Creek: Live in Nashville", "country",
            "The bluegrass-tinged five-piece play two sets at The Cumberland Ballroom, with Tennessee sales tax shown at checkout.",
            ballroom, [new(25, 20, 0)], [("General admission", 4500, "FLOOR"), ("Balcony", 6000, "BALCONY")],
            [new(OnSaleKind.General, -5)], Outcome.Published, "USD", "America/Chicago");
    }

    async Task EnsureEventAsync(Guid organizerId, Plan plan, DateTimeOffset now)
    {
        if (await db.Events.AnyAsync(e => e.Slug == plan.Slug)) return;
        var ev = Event.Draft(organizerId, plan.VenueId, new EventDetails(plan.Title, plan.Description, plan.Genre, null), plan.Slug, now);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(plan.TimeZone)).DateTime);
        foreach (var show in plan.Shows)
        {
            var starts = today.AddDays(show.DaysFromNow).ToDateTime(new TimeOnly(show.Hour, show.Minute));
            var performance = Performance.Schedule(ev.Id, new PerformanceTimes(starts, starts.AddHours(-1), plan.TimeZone, 150))
                ?? throw new InvalidOperationException($"Demo performance at {starts} does not exist in {plan.TimeZone}.");
            Check(ev.AddPerformance(performance, now));
        }
        foreach (var (name, minor, zone) in plan.Tiers)
            Check(ev.AddTier(TicketTier.For(ev.Id, new TierTerms(name, new Money(minor, plan.Currency), [], zone, 1, 8)), now));
        // Windows open on the hour so the demo reads naturally.
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var lastStart = ev.Performances.Max(p => p.StartsAtUtc);
        foreach (var window in plan.Windows)
        {
            var ends = window.EndsInDays is { } days ? hour.AddDays(days) : lastStart;
            var name = window.Kind == OnSaleKind.Presale ? "Fan club presale" : "General sale";
            Check(ev.AddWindow(OnSaleWindow.For(ev.Id, new WindowTerms(window.Kind, name, hour.AddDays(window.StartsInDays), ends, window.Code)), now));
        }

        if (plan.Outcome != Outcome.Draft)
        {
            Check(ev.Publish(now));
            db.AddToOutbox(new EventPublished(ev.Id, ev.OrganizerId, ev.VenueId, ev.Title, ev.Performances.Select(p => p.Id).ToList()), clock);
        }
        if (plan.Outcome == Outcome.SoldOut)
        {
            Check(ev.MarkSoldOut(true, now));
            db.AddToOutbox(new EventChanged(ev.Id, ev.OrganizerId), clock);
        }
        if (plan.Outcome == Outcome.Cancelled)
        {
            Check(ev.Cancel("The band have had to postpone their tour; every ticket is refunded in full.", now));
            db.AddToOutbox(new EventCancelled(ev.Id, ev.OrganizerId, ev.CancellationReason!), clock);
        }
        db.Events.Add(ev);
        await db.SaveChangesAsync();
    }

    static void Check(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? problem)
    {
        if (problem is not null)
            throw new InvalidOperationException($"Demo data broke a catalog rule: {problem.ProblemDetails.Title}: {problem.ProblemDetails.Detail}");
    }
}
