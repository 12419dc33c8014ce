using System.Security.Claims;
using Encore.Contracts.Catalog;
using Encore.Contracts.Identity;
using Encore.Tickets.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Tickets.Scanning;

/// <summary>Who is scanning: a registered device of one event, or a person with the scanner role.</summary>
internal sealed record Scanner(string Key, Guid? DeviceId, string DefaultGate);

internal static class ScannerIdentity
{
    public const string DeviceClientPrefix = "scanner-";

    /// <summary>
    /// A device's token names its client in <c>sub</c>; the device row decides whether it may still
    /// scan and for which event: a revoked device is refused though its (stateless) access token has
    /// not expired — at once on the instance that revoked it, on the others as soon as the revocation
    /// message arrives and within a few seconds at most (<see cref="ScannerDeviceDirectory"/>).
    /// </summary>
    /// <remarks>
    /// A person with the scanner role scans the events of the organizers whose staff they are
    /// (organizer members); any other event answers as if it did not exist.
    /// </remarks>
    public static async Task<(Scanner? Scanner, ProblemHttpResult? Problem)> ResolveAsync(HttpContext http, Guid eventId, TicketsDbContext db, CancellationToken ct)
    {
        var user = http.User;
        if (Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            if (!user.IsInRole(Roles.Scanner)) return (null, TypedResults.Problem(title: "Not a scanner", statusCode: StatusCodes.Status403Forbidden));
            var catalog = http.RequestServices.GetRequiredService<ICatalogSchedule>();
            var members = http.RequestServices.GetRequiredService<ICatalogInventorySource>();
            if (await catalog.GetEventOrganizerAsync(eventId, ct) is not { } organizerId || !await members.IsOrganizerMemberAsync(organizerId, userId, ct))
                return (null, TypedResults.Problem(title: "Not found", detail: "No such event among those you scan.", statusCode: StatusCodes.Status404NotFound));
            return (new Scanner($"user:{userId:N}", null, "Staff"), null);
        }

        var clientId = user.FindFirstValue("sub");
        if (clientId is null || !clientId.StartsWith(DeviceClientPrefix, StringComparison.Ordinal))
            return (null, TypedResults.Problem(title: "Not a scanner device", statusCode: StatusCodes.Status403Forbidden));
        var device = await http.RequestServices.GetRequiredService<ScannerDeviceDirectory>().FindAsync(clientId, db, ct);
        if (device is null)
            return (null, TypedResults.Problem(title: "Device revoked", detail: "This scanner device was revoked by the organizer.", statusCode: StatusCodes.Status403Forbidden));
        if (device.EventId != eventId)
            return (null, TypedResults.Problem(title: "Wrong event", detail: "This device is registered for another event.", statusCode: StatusCodes.Status403Forbidden));
        return (new Scanner($"device:{device.Id:N}", device.Id, device.Name), null);
    }
}
