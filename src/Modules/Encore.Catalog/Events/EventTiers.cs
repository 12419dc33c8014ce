using System.Security.Claims;
using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Http;
using Encore.Catalog.Browse;
using Encore.Catalog.Http;
using Encore.Catalog.Venues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Events;

/// <summary>Ticket tiers: a price for named sections, or for every section of a price zone.</summary>
internal static class EventTiers
{
    public const int MaxTicketsPerOrder = 50;

    /// <param name="PriceMinor">Price in minor units of the currency (pence for GBP).</param>
    /// <param name="SectionCodes">The sections this tier sells; leave empty and give PriceZone instead to cover a zone.</param>
    internal sealed record TierRequest(string? Name, long PriceMinor, string? Currency, IReadOnlyList<string>? SectionCodes, string? PriceZone, int? MinPerOrder, int? MaxPerOrder);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapPost("/events/{eventId:guid}/tiers", Add).Idempotent()
            .WithSummary("Add a ticket tier")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapPut("/events/{eventId:guid}/tiers/{tierId:guid}", Change)
            .WithSummary("Change a ticket tier")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapDelete("/events/{eventId:guid}/tiers/{tierId:guid}", Remove)
            .WithSummary("Remove a ticket tier")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    internal static async Task<Results<Created<TierView>, ValidationProblem, ProblemHttpResult>> Add(
        Guid eventId, TierRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev) return EventWrites.EventNotFound(eventId);
        var (terms, errors) = await TermsAsync(db, ev, null, request, ct);
        if (terms is null) return Problems.Invalid(errors!);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;

        var tier = TicketTier.For(ev.Id, terms);
        if (ev.AddTier(tier, clock.GetUtcNow()) is { } problem) return problem;
        db.TicketTiers.Add(tier);
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Created($"/api/organizer/events/{ev.Id}/tiers/{tier.Id}", View(tier));
    }

    internal static async Task<Results<Ok<TierView>, ValidationProblem, ProblemHttpResult>> Change(
        Guid eventId, Guid tierId, TierRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev || ev.Tiers.All(t => t.Id != tierId))
            return Problems.NotFound($"No tier {tierId} of event {eventId}.");
        var (terms, errors) = await TermsAsync(db, ev, tierId, request, ct);
        if (terms is null) return Problems.Invalid(errors!);
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;

        if (ev.ReplaceTier(tierId, terms, clock.GetUtcNow()) is { } problem) return problem;
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.Ok(View(ev.Tiers.Single(t => t.Id == tierId)));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid eventId, Guid tierId, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (await EventWrites.LoadAsync(db, user, eventId, ct) is not { } ev || ev.Tiers.All(t => t.Id != tierId))
            return Problems.NotFound($"No tier {tierId} of event {eventId}.");
        if (EventWrites.ExpectVersion(db, ev, EventWrites.VersionFrom(http)) is { } stale) return stale;
        if (ev.RemoveTier(tierId, clock.GetUtcNow()) is { } problem) return problem;
        if (await EventWrites.SaveAsync(db, ev, clock, ct) is { } conflict) return conflict;
        EventWrites.SetETag(http, ev);
        return TypedResults.NoContent();
    }

    static async Task<(TierTerms?, Dictionary<string, string[]>?)> TermsAsync(
        CatalogDbContext db, Event ev, Guid? tierId, TierRequest request, CancellationToken ct)
    {
        var errors = new Errors();
        errors.Text("name", request.Name, 100, "Tier name");
        var currency = request.Currency?.Trim().ToUpperInvariant();
        if (!Money.IsCurrencyCode(currency)) errors.Add("currency", "Currency must be an ISO 4217 code such as GBP.");
        else if (ev.Tiers.FirstOrDefault(t => t.Id != tierId) is { } other && other.Currency != currency)
            errors.Add("currency", $"Every tier of an event is priced in one currency; this event uses {other.Currency}.");
        if (request.PriceMinor is < 0 or > 100_000_000) errors.Add("priceMinor", "Price is between 0 and 100,000,000 minor units.");
        var min = request.MinPerOrder ?? 1;
        var max = request.MaxPerOrder ?? 10;
        if (min < 1 || min > MaxTicketsPerOrder) errors.Add("minPerOrder", $"Minimum per order is between 1 and {MaxTicketsPerOrder}.");
        if (max < min || max > MaxTicketsPerOrder) errors.Add("maxPerOrder", $"Maximum per order is between the minimum and {MaxTicketsPerOrder}.");

        var codes = (request.SectionCodes ?? []).Select(c => c?.Trim() ?? "").ToList();
        var zone = string.IsNullOrWhiteSpace(request.PriceZone) ? null : request.PriceZone.Trim();
        if ((codes.Count > 0) == (zone is not null))
            errors.Add("sectionCodes", "Give either the section codes this tier sells or a price zone, not both.");
        var sections = await db.Sections.AsNoTracking().Where(s => s.VenueId == ev.VenueId).Select(s => new { s.Code, s.PriceZone }).ToListAsync(ct);
        for (var i = 0; i < codes.Count; i++)
            if (!sections.Any(s => s.Code == codes[i]))
                errors.Add($"sectionCodes[{i}]", $"The venue has no section '{codes[i]}'.");
        if (codes.Count != codes.Distinct().Count()) errors.Add("sectionCodes", "Each section code appears once.");
        if (zone is not null && !sections.Any(s => s.PriceZone == zone))
            errors.Add("priceZone", $"No section of the venue is in price zone '{zone}'.");
        if (errors.Count > 0) return (null, errors.ToDictionary());

        return (new TierTerms(request.Name!.Trim(), new Money(request.PriceMinor, currency!), codes, zone, min, max), null);
    }

    static TierView View(TicketTier t) => new(t.Id, t.Name, t.Price, t.Sections, t.PriceZone, t.MinPerOrder, t.MaxPerOrder);
}
