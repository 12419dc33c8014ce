using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Contracts.Catalog;
using Encore.Orders.Http;
using Encore.Orders.Model;
using Encore.Orders.Pricing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Orders.Organizer;

internal sealed record SalesSettingsView(
    Guid EventId, bool CustomFees, int ServicePercentBasisPoints, long ServiceFixedMinor, long FacilityFixedMinor, long DeliveryFixedMinor,
    RefundPolicyKind RefundPolicy, DateTimeOffset? RefundUntil);

internal sealed record SalesSettingsRequest(
    int? ServicePercentBasisPoints, long? ServiceFixedMinor, long? FacilityFixedMinor, long? DeliveryFixedMinor,
    RefundPolicyKind? RefundPolicy, DateTimeOffset? RefundUntil);

/// <summary>An organizer's fees and refund policy per event; members of the event's organizer only (404 for others).</summary>
internal static class SalesSettingsEndpoints
{
    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapGet("/events/{eventId:guid}/sales-settings", Get).WithSummary("The event's fees (or the platform defaults) and refund policy")
            .ProducesProblem(StatusCodes.Status404NotFound);
        organizer.MapPut("/events/{eventId:guid}/sales-settings", Put).WithSummary("Set the event's fees and refund policy; fees left out keep the platform defaults")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The event's organizer when the caller is a member of it; null otherwise.</summary>
    internal static async Task<CheckoutEvent?> OwnedEventAsync(Guid eventId, ClaimsPrincipal user, ICatalogCheckoutSource catalog, ICatalogInventorySource members, CancellationToken ct)
    {
        if (Buyer.IdOf(user) is not { } userId) return null;
        var ev = await catalog.GetEventAsync(eventId, ct);
        return ev is not null && await members.IsOrganizerMemberAsync(ev.OrganizerId, userId, ct) ? ev : null;
    }

    internal static async Task<Results<Ok<SalesSettingsView>, ProblemHttpResult>> Get(
        Guid eventId, ClaimsPrincipal user, ICatalogCheckoutSource catalog, ICatalogInventorySource members, OrdersDbContext db, OrderPricing pricing, CancellationToken ct)
    {
        if (await OwnedEventAsync(eventId, user, catalog, members, ct) is null) return Problems.NotFound($"No event {eventId} of yours.");
        var settings = await db.SalesSettings.AsNoTracking().SingleOrDefaultAsync(s => s.EventId == eventId, ct);
        return TypedResults.Ok(View(eventId, settings, await pricing.FeesForAsync(eventId, ct)));
    }

    internal static async Task<Results<Ok<SalesSettingsView>, ProblemHttpResult, ValidationProblem>> Put(
        Guid eventId, SalesSettingsRequest request, ClaimsPrincipal user, ICatalogCheckoutSource catalog, ICatalogInventorySource members,
        OrdersDbContext db, OrderPricing pricing, TimeProvider clock, CancellationToken ct)
    {
        if (await OwnedEventAsync(eventId, user, catalog, members, ct) is not { } ev) return Problems.NotFound($"No event {eventId} of yours.");
        var fees = new[] { request.ServicePercentBasisPoints is null, request.ServiceFixedMinor is null, request.FacilityFixedMinor is null, request.DeliveryFixedMinor is null };
        if (fees.Distinct().Count() > 1)
            return Problems.Invalid("servicePercentBasisPoints", "Give all four fees, or none to keep the platform defaults.");
        var custom = request.ServicePercentBasisPoints is not null;
        if (custom && FeeRules.Validate(request.ServicePercentBasisPoints!.Value, request.ServiceFixedMinor!.Value, request.FacilityFixedMinor!.Value, request.DeliveryFixedMinor!.Value) is { } problem)
            return Problems.Invalid("fees", problem);
        if (request.RefundPolicy is { } policy && !Enum.IsDefined(policy)) return Problems.Invalid("refundPolicy", "The refund policy is none, untilDate or full.");
        if (request.RefundPolicy == RefundPolicyKind.UntilDate && request.RefundUntil is null)
            return Problems.Invalid("refundUntil", "Say until when refunds are possible.");

        var settings = await db.SalesSettings.SingleOrDefaultAsync(s => s.EventId == eventId, ct);
        if (settings is null)
        {
            settings = new EventSalesSettings { EventId = eventId };
            db.SalesSettings.Add(settings);
        }
        settings.OrganizerId = ev.OrganizerId;
        settings.CustomFees = custom;
        if (custom)
        {
            settings.ServicePercentBasisPoints = request.ServicePercentBasisPoints!.Value;
            settings.ServiceFixedMinor = request.ServiceFixedMinor!.Value;
            settings.FacilityFixedMinor = request.FacilityFixedMinor!.Value;
            settings.DeliveryFixedMinor = request.DeliveryFixedMinor!.Value;
        }
        settings.RefundPolicy = request.RefundPolicy ?? settings.RefundPolicy;
        settings.RefundUntil = settings.RefundPolicy == RefundPolicyKind.UntilDate ? request.RefundUntil : null;
        settings.UpdatedAt = clock.GetUtcNow();
        settings.UpdatedBy = Buyer.IdOf(user)!.Value;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem(title: "Settings changed", detail: "Someone else saved these settings at the same moment; reload and try again.", statusCode: StatusCodes.Status409Conflict);
        }
        return TypedResults.Ok(View(eventId, settings, await pricing.FeesForAsync(eventId, ct)));
    }

    static SalesSettingsView View(Guid eventId, EventSalesSettings? settings, FeeSchedule fees) => new(
        eventId, settings?.CustomFees ?? false, fees.ServicePercentBasisPoints, fees.ServiceFixedMinor, fees.FacilityFixedMinor, fees.DeliveryFixedMinor,
        settings?.RefundPolicy ?? RefundPolicyKind.None, settings?.RefundUntil);
}
