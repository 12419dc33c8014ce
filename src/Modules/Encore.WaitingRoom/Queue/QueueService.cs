using System.Security.Claims;
using Encore.Contracts.FlashSale;
using Encore.WaitingRoom.Tokens;
using Microsoft.AspNetCore.Http;

namespace Encore.WaitingRoom.Queue;

/// <summary>An account's place in an on-sale's queue, as the buyer's page and API show it.</summary>
/// <param name="State">waiting, admitted, expired (skipped for not checking in, or the admission ended), left, or closed.</param>
/// <param name="EntryId">The entry's public id: its arrival order, as listed in the draw (docs/waiting-room.md).</param>
/// <param name="Number">Place in line; admitted when the serving counter reaches it. Null until the draw at the start.</param>
/// <param name="Position">1 = next; null until drawn.</param>
/// <param name="AdmissionToken">Once admitted: the token hold requests carry (header Encore-Admission; also set as a cookie).</param>
internal sealed record QueueStatusView(
    Guid EventId, string State, long EntryId, long? Number, long Serving, long? Position, long? PeopleAhead,
    int? EstimatedWaitSeconds, bool Drawn, DateTimeOffset StartsAt, string? AdmissionToken, DateTimeOffset? AdmittedUntil,
    int CheckInSeconds, string QueueUrl);

internal abstract record StatusOutcome
{
    public sealed record Found(QueueStatusView View) : StatusOutcome;
    public sealed record NoQueue : StatusOutcome;
    public sealed record NotJoined : StatusOutcome;
    public sealed record NotOpen(DateTimeOffset OpensAt) : StatusOutcome;
    public sealed record Closed : StatusOutcome;
    public sealed record Full(long Waiting) : StatusOutcome;
    public sealed record Left : StatusOutcome;
}

/// <summary>Joining, checking in and leaving, shared by the API, the live connections and the page.</summary>
internal sealed class QueueService(IQueueStore store, QueueDirectory directory, AdmissionTokens tokens, IDeviceContext devices, IBuyerRiskSignals risk, TimeProvider clock)
{
    public static string QueueUrl(Guid eventId) => $"/events/{eventId:D}/queue";
    public static string Channel(Guid eventId) => $"waitingroom:{eventId:N}";

    public static Guid? AccountId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>Shadow-banned accounts wait like anyone else and are never admitted.</summary>
    async ValueTask<bool> HeldAsync(Guid accountId, HttpContext http, CancellationToken ct) =>
        (await risk.AssessAsync(accountId, http, ct)).ShadowBanned;

    public async Task<(StatusOutcome Outcome, bool New)> JoinAsync(Guid eventId, Guid accountId, HttpContext http, CancellationToken ct)
    {
        if (await directory.SettingsAsync(eventId, ct) is not { } settings) return (new StatusOutcome.NoQueue(), false);
        var now = clock.GetUtcNow();
        if (now < settings.PreQueueOpensAt) return (new StatusOutcome.NotOpen(settings.PreQueueOpensAt), false);
        if (settings.ClosesAt is { } closes && now >= closes) return (new StatusOutcome.Closed(), false);
        devices.EnsureDeviceId(http);
        var held = await HeldAsync(accountId, http, ct);
        var outcome = await store.JoinAsync(eventId, settings.Rules(), accountId, held, now.ToUnixTimeMilliseconds());
        if (outcome is JoinOutcome.Full full) return (new StatusOutcome.Full(full.Waiting), false);
        var joined = (JoinOutcome.Joined)outcome;
        return (new StatusOutcome.Found(await ViewAsync(settings, joined.Entry, accountId, http, ct)), joined.New);
    }

    /// <summary>The account's place; counts as a check-in when <paramref name="touch"/>.</summary>
    /// <param name="issueToken">Once admitted, sign a token (and set its cookie); false on a live stream, whose headers are long sent.</param>
    public async Task<StatusOutcome> StatusAsync(Guid eventId, Guid accountId, HttpContext http, bool touch, CancellationToken ct, bool issueToken = true)
    {
        if (await directory.SettingsAsync(eventId, ct) is not { } settings) return new StatusOutcome.NoQueue();
        var held = touch && await HeldAsync(accountId, http, ct);
        if (await store.CheckInAsync(eventId, accountId, held, touch, clock.GetUtcNow().ToUnixTimeMilliseconds()) is not { } entry)
            return new StatusOutcome.NotJoined();
        return new StatusOutcome.Found(await ViewAsync(settings, entry, accountId, http, ct, issueToken));
    }

    public async Task<StatusOutcome> LeaveAsync(Guid eventId, Guid accountId, CancellationToken ct)
    {
        if (await directory.SettingsAsync(eventId, ct) is null) return new StatusOutcome.NoQueue();
        return await store.LeaveAsync(eventId, accountId, clock.GetUtcNow().ToUnixTimeMilliseconds())
            ? new StatusOutcome.Left() : new StatusOutcome.NotJoined();
    }

    async Task<QueueStatusView> ViewAsync(QueueSettings settings, QueueEntry entry, Guid accountId, HttpContext http, CancellationToken ct, bool issueToken = true)
    {
        var now = clock.GetUtcNow();
        string? token = null;
        DateTimeOffset? until = null;
        var state = entry.State switch
        {
            EntryState.Admitted when entry.AdmittedUntilMs is not null => "admitted",
            EntryState.Admitted or EntryState.Expired => "expired",
            EntryState.Left => "left",
            _ when settings.ClosesAt is { } closes && now >= closes => "closed",
            _ => "waiting",
        };
        if (state == "admitted") until = DateTimeOffset.FromUnixTimeMilliseconds(entry.AdmittedUntilMs!.Value);
        if (state == "admitted" && issueToken && !http.Response.HasStarted)
        {
            var device = devices.EnsureDeviceId(http);
            token = await tokens.IssueAsync(settings.EventId, accountId, device, until!.Value, ct);
            http.Response.Cookies.Append(AdmissionTokens.CookieName(settings.EventId), token, new CookieOptions
            {
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                Expires = until,
                IsEssential = true,
            });
        }
        long? position = null, ahead = null;
        int? wait = null;
        if (state == "waiting" && entry.Number is { } number)
        {
            position = Math.Max(1, number - entry.Serving);
            ahead = position - 1;
            wait = EstimateSeconds(settings, ahead.Value);
        }
        return new QueueStatusView(settings.EventId, state, entry.Slot, entry.Number, entry.Serving, position, ahead, wait,
            entry.Number is not null, settings.StartsAt, token, until, settings.CheckInSeconds, QueueUrl(settings.EventId));
    }

    /// <summary>
    /// Pace: the people ahead at the pace. Capacity: as if every slot were used for the whole
    /// admission lifetime, the slowest case; finished checkouts make it shorter.
    /// </summary>
    public static int EstimateSeconds(QueueSettings settings, long ahead) => settings.Mode == QueueMode.Pace
        ? (int)Math.Min(int.MaxValue, (long)Math.Ceiling(ahead * 60.0 / Math.Max(1, settings.AdmitPerMinute ?? 1)))
        : (int)Math.Min(int.MaxValue, (long)Math.Ceiling(ahead * settings.TokenMinutes * 60.0 / Math.Max(1, settings.MaxActive ?? 1)));
}
