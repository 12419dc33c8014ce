using System.Buffers.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Tickets.Codes;

/// <summary>
/// GET /api/events/{eventId}/ticket-keys: the event's verifying keys as a JWKS (RFC 7517, EC P-256),
/// anonymous and cacheable, so any scanner verifies codes offline with this document alone.
/// </summary>
internal static class PublicKeys
{
    /// <param name="Kty">Always EC.</param>
    /// <param name="Crv">Always P-256.</param>
    /// <param name="X">The public point's X, base64url.</param>
    /// <param name="Y">The public point's Y, base64url.</param>
    /// <param name="Kid">The key id the code carries (bytes 1–4), as 8 hex digits.</param>
    /// <param name="Alg">Always ES256.</param>
    /// <param name="Use">Always sig.</param>
    internal sealed record Jwk(string Kty, string Crv, string X, string Y, string Kid, string Alg, string Use);

    internal sealed record Jwks(IReadOnlyList<Jwk> Keys);

    /// <summary>Scanners may keep the document this long; a retired key is refused online at once and offline after this.</summary>
    public const int MaxAgeSeconds = 300;

    public static Jwks Of(EventKeys ev) => new(ev.Verifying.OrderByDescending(k => k.CreatedAt)
        .Select(k => new Jwk("EC", "P-256", Base64Url.EncodeToString(k.PublicKey.AsSpan(0, 32)), Base64Url.EncodeToString(k.PublicKey.AsSpan(32, 32)), k.Kid, "ES256", "sig"))
        .ToList());

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/events/{eventId:guid}/ticket-keys", Handle)
            .WithTags("Tickets").AllowAnonymous()
            .WithSummary("The event's ticket verification keys as a JWKS (ES256): verify codes offline with this alone");

    static async Task<Results<Ok<Jwks>, NotFound>> Handle(Guid eventId, HttpContext http, TicketKeyRing keys, CancellationToken ct)
    {
        if (await keys.ForEventAsync(eventId, ct) is not { } ev) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
        return TypedResults.Ok(Of(ev));
    }
}
