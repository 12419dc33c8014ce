using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Encore.BuildingBlocks;
using Encore.Contracts.Catalog;
using Encore.Contracts.Identity;
using Encore.Tickets.Model;
using Encore.Tickets.Scanning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tickets.Organizer;

/// <summary>
/// Gate devices, registered per event by its organizer. Each is an OAuth client of the built-in OIDC
/// server (client credentials, scanner role), so a device gets short-lived access tokens at
/// /connect/token like any other client; the device row here says which event it scans and whether
/// it is revoked, and is checked on every scan.
/// </summary>
internal static class ScannerDevices
{
    public const string IdempotencyHeader = "Idempotency-Key";
    static readonly TimeSpan ReplayFor = TimeSpan.FromHours(24);

    internal sealed record RegisterDevice([property: Required, StringLength(100, MinimumLength = 1)] string Name);

    /// <param name="ClientSecret">Shown once (and to a retry with the same Idempotency-Key within 24 hours).</param>
    internal sealed record RegisteredDevice(Guid Id, Guid EventId, string Name, string ClientId, string? ClientSecret, string TokenEndpoint, DateTimeOffset CreatedAt);

    internal sealed record DeviceView(Guid Id, string Name, string ClientId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    public static void Map(RouteGroupBuilder organizer)
    {
        organizer.MapPost("/events/{eventId:guid}/scanner-devices", Register).WithSummary("Register a gate scanner device: its client id and secret for the client-credentials grant");
        organizer.MapGet("/events/{eventId:guid}/scanner-devices", List).WithSummary("The event's scanner devices");
        organizer.MapDelete("/events/{eventId:guid}/scanner-devices/{deviceId:guid}", Revoke).WithSummary("Revoke a device: it is refused at once and gets no new token");
    }

    static async Task<Results<Created<RegisteredDevice>, Ok<RegisteredDevice>, ValidationProblem, NotFound, ProblemHttpResult>> Register(
        Guid eventId, RegisterDevice request, HttpContext http, TicketsDbContext db, IMachineClients clients, IDataProtectionProvider protection,
        ICatalogSchedule catalog, ICatalogInventorySource members, TimeProvider clock, CancellationToken ct)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["A name of 1 to 100 characters, such as \"North gate 2\"."] });
        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length > 100 || key.Any(char.IsControl))
            return TypedResults.Problem(title: "Invalid Idempotency-Key", detail: "The key is at most 100 printable characters.", statusCode: StatusCodes.Status400BadRequest);
        if (await EventTicketingEndpoints.OwnedAsync(eventId, http.User, catalog, members, ct) is not { } organizerId) return TypedResults.NotFound();

        var protector = protection.CreateProtector("Encore.Tickets.DeviceReplay");
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        var now = clock.GetUtcNow();
        if (key.Length > 0 && await db.ScannerDevices.AsNoTracking().SingleOrDefaultAsync(d => d.EventId == eventId && d.IdempotencyKey == key, ct) is { } earlier)
        {
            if (earlier.RequestHash != hash)
                return TypedResults.Problem(title: "Idempotency-Key reused with a different request", detail: "Use a new key for a new device.", statusCode: StatusCodes.Status422UnprocessableEntity);
            var secret = earlier.ReplaySecretProtected is { } p && now - earlier.CreatedAt < ReplayFor ? protector.Unprotect(p) : null;
            return TypedResults.Ok(Describe(earlier, secret));
        }

        var device = new ScannerDevice
        {
            Id = Ids.New(),
            EventId = eventId,
            OrganizerId = organizerId,
            Name = name,
            CreatedBy = Guid.Parse(http.User.FindFirstValue(ClaimTypes.NameIdentifier)!),
            CreatedAt = now,
            IdempotencyKey = key.Length > 0 ? key : null,
            RequestHash = hash,
        };
        device.ClientId = ScannerIdentity.DeviceClientPrefix + device.Id.ToString("N");
        var clientSecret = Base64UrlSecret();
        if (device.IdempotencyKey is not null) device.ReplaySecretProtected = protector.Protect(clientSecret);
        db.ScannerDevices.Add(device);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent retry with the same key won: answer with its device.
            db.ChangeTracker.Clear();
            var winner = await db.ScannerDevices.AsNoTracking().SingleAsync(d => d.EventId == eventId && d.IdempotencyKey == key, ct);
            return TypedResults.Ok(Describe(winner, winner.ReplaySecretProtected is { } p ? protector.Unprotect(p) : null));
        }
        // The OIDC client is registered after the device row commits: a crash in between leaves a
        // device that cannot get a token, which the organizer revokes and registers again.
        await clients.RegisterAsync(device.ClientId, clientSecret, $"Scanner: {name}", [Roles.Scanner], ct);
        return TypedResults.Created($"/api/organizer/events/{eventId}/scanner-devices/{device.Id}", Describe(device, clientSecret));
    }

    static async Task<Results<Ok<List<DeviceView>>, NotFound>> List(Guid eventId, ClaimsPrincipal user, TicketsDbContext db,
        ICatalogSchedule catalog, ICatalogInventorySource members, CancellationToken ct)
    {
        if (await EventTicketingEndpoints.OwnedAsync(eventId, user, catalog, members, ct) is null) return TypedResults.NotFound();
        var devices = await db.ScannerDevices.AsNoTracking().Where(d => d.EventId == eventId).OrderBy(d => d.CreatedAt)
            .Select(d => new DeviceView(d.Id, d.Name, d.ClientId, d.CreatedAt, d.RevokedAt)).ToListAsync(ct);
        return TypedResults.Ok(devices);
    }

    static async Task<Results<NoContent, NotFound>> Revoke(Guid eventId, Guid deviceId, ClaimsPrincipal user, TicketsDbContext db, IMachineClients clients,
        ICatalogSchedule catalog, ICatalogInventorySource members, Scanning.ScannerDeviceDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        if (await EventTicketingEndpoints.OwnedAsync(eventId, user, catalog, members, ct) is null) return TypedResults.NotFound();
        var device = await db.ScannerDevices.SingleOrDefaultAsync(d => d.Id == deviceId && d.EventId == eventId, ct);
        if (device is null) return TypedResults.NotFound();
        if (device.RevokedAt is null)
        {
            device.RevokedAt = clock.GetUtcNow();
            device.ReplaySecretProtected = null;
            await db.SaveChangesAsync(ct);
        }
        await directory.RevokedAsync(device.ClientId);
        // Also on a repeat: a crash after the row changed must not leave the client able to get tokens.
        await clients.RemoveAsync(device.ClientId, ct);
        return TypedResults.NoContent();
    }

    static RegisteredDevice Describe(ScannerDevice d, string? secret) =>
        new(d.Id, d.EventId, d.Name, d.ClientId, secret, "/connect/token", d.CreatedAt);

    static string Base64UrlSecret() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
