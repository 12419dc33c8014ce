using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Encore.BuildingBlocks.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Encore.Identity.Oidc;

namespace Encore.Identity.Sessions;

/// <summary>
/// The bearer tokens this instance validated lately, with the ticket each proved. Both kinds of our
/// access tokens are stateless (an RSA-signed JWT, an opaque token under authenticated encryption),
/// so validating one gives the same ticket until it expires (<see cref="VerifiedTokens{T}"/>).
/// </summary>
internal sealed class ValidatedBearerTokens(TimeProvider clock) : IDisposable
{
    /// <summary>Enough for every active client of a busy instance.</summary>
    public const int Capacity = 20_000;

    readonly VerifiedTokens<AuthenticationTicket> tickets = new(clock, Capacity);

    public bool TryGet(string token, out AuthenticationTicket ticket)
    {
        ticket = null!;
        if (!tickets.TryGet(token, out var kept)) return false;
        ticket = Copy(kept);
        return true;
    }

    /// <summary>Keeps a successful validation; a ticket without an expiry is not kept.</summary>
    public void Remember(string token, AuthenticationTicket ticket)
    {
        if (ticket.Properties.ExpiresUtc is { } expires) tickets.Remember(token, Copy(ticket), expires);
    }

    // Each request gets its own copy: claims transformations and handlers may add to a principal.
    static AuthenticationTicket Copy(AuthenticationTicket t) => new(t.Principal.Clone(), t.Properties.Clone(), t.AuthenticationScheme);

    public void Dispose() => tickets.Dispose();
}

/// <summary>
/// The API's bearer scheme: a token validated lately by this instance is answered from
/// <see cref="ValidatedBearerTokens"/>; any other goes to the scheme that owns its kind (a JWT to
/// OpenIddict's validation, an opaque token to Identity's bearer scheme), which also answers
/// challenges and refusals.
/// </summary>
internal sealed class CachedBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidatedBearerTokens validated)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "api-bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Token() is not { Length: > 0 } token) return AuthenticateResult.NoResult();
        if (validated.TryGet(token, out var ticket)) return AuthenticateResult.Success(ticket);
        var result = await Context.AuthenticateAsync(OwnerOf(token));
        if (result.Succeeded) validated.Remember(token, result.Ticket);
        return result;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Context.ChallengeAsync(OwnerOf(Token() ?? ""), properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Context.ForbidAsync(OwnerOf(Token() ?? ""), properties);

    string? Token() =>
        Request.Headers.Authorization.ToString() is var header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : null;

    /// <summary>A JWT comes from our OIDC server; the opaque kind from /api/identity/login.</summary>
    static string OwnerOf(string token) => OidcServer.IsJwt(token) ? OidcServer.ValidationScheme : IdentityConstants.BearerScheme;
}
