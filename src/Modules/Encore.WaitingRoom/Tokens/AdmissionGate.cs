using System.Security.Claims;
using Encore.Contracts.FlashSale;
using Encore.WaitingRoom.Queue;
using Microsoft.AspNetCore.Http;

namespace Encore.WaitingRoom.Tokens;

/// <summary>
/// The inventory asks this before placing a hold. An event without a queue passes at the cost of
/// one dictionary lookup; a queued one needs a valid admission token for this account,
/// this device and this event, and an admission the queue store still counts (leaving checkout ends it).
/// </summary>
internal sealed class AdmissionGate(QueueDirectory directory, IQueueStore store, AdmissionTokens tokens, IDeviceContext devices, TimeProvider clock) : IAdmissionGate
{
    static readonly AdmissionDecision Admitted = new AdmissionDecision.Admitted();

    public async ValueTask<AdmissionDecision> CheckAsync(Guid eventId, ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken)
    {
        if (await directory.SettingsAsync(eventId, cancellationToken) is null) return Admitted;

        var queueUrl = QueueService.QueueUrl(eventId);
        if (QueueService.AccountId(user) is not { } accountId) return new AdmissionDecision.Refused("Sign in and join the queue.", queueUrl);
        var token = http.Request.Headers[AdmissionTokens.HeaderName].ToString();
        if (token.Length == 0) token = http.Request.Cookies[AdmissionTokens.CookieName(eventId)] ?? "";
        if (token.Length == 0)
            return new AdmissionDecision.Refused("This on-sale has a queue: join it, and come back when it is your turn.", queueUrl);
        if (await tokens.ProblemAsync(token, eventId, accountId, devices.DeviceId(http), cancellationToken) is { } problem)
            return new AdmissionDecision.Refused(problem, queueUrl);
        var entry = await store.CheckInAsync(eventId, accountId, held: false, touch: false, clock.GetUtcNow().ToUnixTimeMilliseconds());
        if (entry is not { State: EntryState.Admitted, AdmittedUntilMs: not null })
            return new AdmissionDecision.Refused("Your admission has ended. Join the queue again.", queueUrl);
        return Admitted;
    }
}
