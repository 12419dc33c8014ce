using System.Security.Claims;
using Encore.BuildingBlocks;
using Encore.Contracts.Catalog;
using Encore.Inventory.Holds;
using Encore.Inventory.Http;
using Encore.Inventory.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Inventory.Pools;

/// <summary>
/// Organizers keep seats out of public sale in pools (artist, box office, accessibility) and give
/// them back, and set how long holds last and how many tickets one buyer may hold. Only members
/// of the event's organizer see a performance; anyone else gets 404.
/// </summary>
internal static class OrganizerInventory
{
    const int SeatsPerCall = 500;

    internal sealed record PoolSeatsRequest(IReadOnlyList<Guid>? SeatIds);

    internal sealed record PoolView(InventoryPool Pool, IReadOnlyList<Guid> SeatIds);

    internal sealed record PoolsView(Guid PerformanceId, IReadOnlyList<PoolView> Pools);

    /// <param name="HoldMinutes">How long a hold lasts, 2 to 30 minutes.</param>
    /// <param name="TicketLimit">Most tickets one buyer may hold per performance; null for the tiers' max per order.</param>
    internal sealed record HoldSettingsRequest(int HoldMinutes, int? TicketLimit);

    internal sealed record HoldSettingsView(Guid EventId, int HoldMinutes, int? TicketLimit);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapGet("/performances/{performanceId:guid}/pools", List)
            .WithSummary("Seats kept out of public sale, by pool")
            .ProducesProblem(StatusCodes.Status404NotFound);
        organizer.MapPost("/performances/{performanceId:guid}/pools/{pool}/block", Block)
            .WithSummary("Move public seats into a pool (artist, boxOffice, accessibility), all or none")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        organizer.MapPost("/performances/{performanceId:guid}/pools/{pool}/release", Release)
            .WithSummary("Return seats of a pool to public sale")
            .ProducesProblem(StatusCodes.Status404NotFound);
        organizer.MapPut("/events/{eventId:guid}/hold-settings", PutSettings)
            .WithSummary("Set an event's hold length and per-buyer ticket limit")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    static async Task<(PerformanceLayout? Layout, ProblemHttpResult? Problem)> OwnedAsync(
        Guid performanceId, ClaimsPrincipal user, HoldService holds, ICatalogInventorySource catalog, CancellationToken ct)
    {
        var notFound = InventoryProblems.NotFound($"No performance {performanceId} of yours.");
        if (CurrentUser.Id(user) is not { } userId) return (null, notFound);
        if (await holds.LayoutAsync(performanceId, ct) is not { } layout) return (null, notFound);
        return await catalog.IsOrganizerMemberAsync(layout.OrganizerId, userId, ct) ? (layout, null) : (null, notFound);
    }

    static async Task<Results<Ok<PoolsView>, ProblemHttpResult>> List(
        Guid performanceId, ClaimsPrincipal user, HoldService holds, ICatalogInventorySource catalog, CancellationToken ct)
    {
        var (layout, problem) = await OwnedAsync(performanceId, user, holds, catalog, ct);
        if (layout is null) return problem!;
        return TypedResults.Ok(View(performanceId, (await holds.SnapshotAsync(layout, ct)).PoolSeats));
    }

    static async Task<Results<Ok<PoolsView>, ValidationProblem, ProblemHttpResult>> Block(
        Guid performanceId, string pool, PoolSeatsRequest request, ClaimsPrincipal user, HoldService holds, IHoldStore store,
        ICatalogInventorySource catalog, InventoryDbContext db, LayoutCache layouts, CancellationToken ct)
    {
        if (Validate(pool, request) is { } invalid) return invalid;
        var (layout, problem) = await OwnedAsync(performanceId, user, holds, catalog, ct);
        if (layout is null) return problem!;
        var seatIds = request.SeatIds!;
        if (Unknown(layout, seatIds) is { } unknown) return unknown;
        var chosen = ParsePool(pool)!.Value;

        // The store first: it is what buyers race against, so a seat held this instant refuses the block.
        var outcome = await holds.WithStoreAsync(layout, () => store.BlockAsync(performanceId, chosen, seatIds, ct), ct);
        if (outcome is BlockOutcome.SeatsTaken taken)
            return InventoryProblems.Conflict("Seats not free", "Some seats are held by buyers or in another pool; nothing was blocked.",
                new Dictionary<string, object?> { ["seatIds"] = taken.SeatIds });
        try
        {
            await db.Seats.Where(s => s.PerformanceId == performanceId && seatIds.Contains(s.SeatId))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Pool, chosen), ct);
        }
        catch
        {
            await store.UnblockAsync(performanceId, chosen, seatIds, CancellationToken.None);
            throw;
        }
        layouts.Invalidate(performanceId);
        return TypedResults.Ok(View(performanceId, (await holds.SnapshotAsync(layout, ct)).PoolSeats));
    }

    static async Task<Results<Ok<PoolsView>, ValidationProblem, ProblemHttpResult>> Release(
        Guid performanceId, string pool, PoolSeatsRequest request, ClaimsPrincipal user, HoldService holds, IHoldStore store,
        ICatalogInventorySource catalog, InventoryDbContext db, LayoutCache layouts, CancellationToken ct)
    {
        if (Validate(pool, request) is { } invalid) return invalid;
        var (layout, problem) = await OwnedAsync(performanceId, user, holds, catalog, ct);
        if (layout is null) return problem!;
        var seatIds = request.SeatIds!;
        if (Unknown(layout, seatIds) is { } unknown) return unknown;
        var chosen = ParsePool(pool)!.Value;

        // The database first: were the store to fail afterwards, the seats stay blocked (safe) until released again.
        await db.Seats.Where(s => s.PerformanceId == performanceId && s.Pool == chosen && seatIds.Contains(s.SeatId))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Pool, (InventoryPool?)null), ct);
        await holds.WithStoreAsync(layout, async () => { await store.UnblockAsync(performanceId, chosen, seatIds, ct); return true; }, ct);
        layouts.Invalidate(performanceId);
        return TypedResults.Ok(View(performanceId, (await holds.SnapshotAsync(layout, ct)).PoolSeats));
    }

    static async Task<Results<Ok<HoldSettingsView>, ValidationProblem, ProblemHttpResult>> PutSettings(
        Guid eventId, HoldSettingsRequest request, ClaimsPrincipal user, InventoryDbContext db, HoldService holds,
        ICatalogInventorySource catalog, LayoutCache layouts, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.HoldMinutes is < InventoryOptions.MinHoldMinutes or > InventoryOptions.MaxHoldMinutes)
            errors["holdMinutes"] = [$"Holds last between {InventoryOptions.MinHoldMinutes} and {InventoryOptions.MaxHoldMinutes} minutes."];
        if (request.TicketLimit is < 1 or > 50) errors["ticketLimit"] = ["The ticket limit is between 1 and 50."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var notFound = InventoryProblems.NotFound($"No event {eventId} of yours.");
        if (CurrentUser.Id(user) is not { } userId) return notFound;
        var performances = await catalog.GetPerformanceIdsAsync(eventId, ct);
        PerformanceLayout? layout = null;
        foreach (var performanceId in performances)
            if ((layout = await holds.LayoutAsync(performanceId, ct)) is not null) break;
        if (layout is null || !await catalog.IsOrganizerMemberAsync(layout.OrganizerId, userId, ct)) return notFound;

        var settings = await db.EventSettings.SingleOrDefaultAsync(s => s.EventId == eventId, ct);
        if (settings is null) db.EventSettings.Add(settings = new EventHoldSettings { EventId = eventId });
        settings.HoldMinutes = request.HoldMinutes;
        settings.TicketLimit = request.TicketLimit;
        settings.UpdatedAt = clock.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first saves at once: the loser's insert meets the winner's row.
            return InventoryProblems.Conflict("Settings changed", "Someone else saved these settings at the same moment; reload and try again.");
        }
        layouts.InvalidateEvent(eventId);
        return TypedResults.Ok(new HoldSettingsView(eventId, settings.HoldMinutes, settings.TicketLimit));
    }

    static ValidationProblem? Validate(string pool, PoolSeatsRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (ParsePool(pool) is null) errors["pool"] = ["The pool is artist, boxOffice or accessibility."];
        if (request.SeatIds is not { Count: >= 1 and <= SeatsPerCall }) errors["seatIds"] = [$"Give between 1 and {SeatsPerCall} seat ids."];
        else if (request.SeatIds.Distinct().Count() != request.SeatIds.Count) errors["seatIds"] = ["Each seat appears once."];
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
    }

    static ValidationProblem? Unknown(PerformanceLayout layout, IReadOnlyList<Guid> seatIds)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < seatIds.Count; i++)
            if (!layout.Seats.ContainsKey(seatIds[i])) errors[$"seatIds[{i}]"] = [$"Seat {seatIds[i]} is not a seat of this performance."];
        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors);
    }

    static InventoryPool? ParsePool(string pool) =>
        pool.Length <= 20 && Enum.TryParse<InventoryPool>(pool.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed)
            && Enum.IsDefined(parsed) && !int.TryParse(pool, out _)
            ? parsed
            : null;

    static PoolsView View(Guid performanceId, IReadOnlyDictionary<Guid, InventoryPool> pools) =>
        new(performanceId, Enum.GetValues<InventoryPool>()
            .Select(p => new PoolView(p, pools.Where(s => s.Value == p).Select(s => s.Key).OrderBy(id => id).ToList()))
            .ToList());
}
