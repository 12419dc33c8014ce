using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Encore.Contracts.FlashSale;

/// <summary>
/// The browser a request comes from, as Identity's sealed device cookie says. Admission tokens and
/// rate limits bind to it, so a token or a budget copied to another browser is worth nothing.
/// </summary>
public interface IDeviceContext
{
    /// <summary>The device id the server issued to this browser, or null when it has none (yet).</summary>
    Guid? DeviceId(HttpContext http);

    /// <summary>The device id, issuing one (a cookie on the response) when the browser has none.</summary>
    Guid EnsureDeviceId(HttpContext http);
}

/// <summary>The names of the rate-limit policies the host registers (token buckets per account, address and device).</summary>
public static class RateLimitPolicies
{
    /// <summary>Joining a waiting-room queue.</summary>
    public const string QueueJoin = "queue-join";
    /// <summary>Checking in / reading one's place in a queue.</summary>
    public const string QueueStatus = "queue-status";
    /// <summary>Placing, extending and releasing holds.</summary>
    public const string Holds = "holds";
}

/// <summary>
/// Endpoint metadata: the host's bot gate refuses the call unless it carries a solved, unused
/// proof-of-work (ALTCHA protocol) for this scope. Put it on an endpoint with <c>.WithMetadata(new ProofOfWorkRequired("hold"))</c>.
/// </summary>
/// <param name="Scope">What the proof is for ("queue-join", "hold"); a proof solved for one scope is refused by another.</param>
public sealed record ProofOfWorkRequired(string Scope);

/// <summary>How risky a buyer looks, from device signals (FingerprintJS, BotD) and server signals.</summary>
/// <param name="Score">0 (a person) to 100 (certainly automation).</param>
/// <param name="ShadowBanned">Flagged: may wait in queues but is never admitted and never holds.</param>
/// <param name="Reasons">Why, in words an admin reads.</param>
public sealed record BuyerRisk(int Score, bool ShadowBanned, IReadOnlyList<string> Reasons)
{
    /// <summary>Nothing known against this buyer.</summary>
    public static BuyerRisk None { get; } = new(0, false, []);
}

/// <summary>Scores a request's buyer; the bot-defense part of the host implements it.</summary>
public interface IBuyerRiskSignals
{
    /// <summary>The risk of this account on this device now.</summary>
    ValueTask<BuyerRisk> AssessAsync(Guid? userId, HttpContext http, CancellationToken cancellationToken);
}

/// <summary>What the waiting room says about a hold request for a performance.</summary>
public abstract record AdmissionDecision
{
    private AdmissionDecision() { }

    /// <summary>No queue guards this performance now, or the caller holds a valid admission token.</summary>
    public sealed record Admitted : AdmissionDecision;

    /// <summary>A queue guards this event and the caller has no valid token for this account and device.</summary>
    /// <param name="Detail">What is wrong, for the buyer.</param>
    /// <param name="QueueUrl">Where to join or rejoin the queue.</param>
    public sealed record Refused(string Detail, string QueueUrl) : AdmissionDecision;
}

/// <summary>The waiting room's gate in front of the holds of a queued on-sale.</summary>
public interface IAdmissionGate
{
    /// <summary>
    /// Checks the admission token (header <c>Encore-Admission</c> or cookie) of this request for holds
    /// on an event's performances. Queues are per event, and the caller already knows the event of the
    /// performance it holds, so the gate need not look it up.
    /// </summary>
    ValueTask<AdmissionDecision> CheckAsync(Guid eventId, ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken);
}
