using Encore.Contracts.FlashSale;
using Encore.Identity.Sessions;
using Microsoft.AspNetCore.Http;

namespace Encore.Identity.Risk;

/// <summary>
/// Scores a buyer from the request's headers, the device's own report and the admin's flag. The
/// flags come from <see cref="FlaggedAccounts"/> (flagging on one instance counts there at once;
/// others follow within <see cref="FlagCacheSeconds"/>); the device's report from <see cref="KnownDevices"/>.
/// </summary>
internal sealed class BuyerRiskSignals(FlaggedAccounts flags, KnownDevices devices, DeviceCookie cookie) : IBuyerRiskSignals
{
    public const int FlagCacheSeconds = 5;

    public async ValueTask<BuyerRisk> AssessAsync(Guid? userId, HttpContext http, CancellationToken cancellationToken)
    {
        var headers = http.Request.Headers;
        var deviceId = cookie.Read(http);
        var server = new ServerSignals(
            headers.UserAgent.ToString(),
            headers.AcceptLanguage.Count > 0 && headers.AcceptLanguage.ToString().Length > 0,
            headers.ContainsKey("sec-ch-ua"),
            // A device id issued during this very request does not count: the browser has not shown it back yet.
            deviceId is not null && http.Request.Cookies.ContainsKey(DeviceCookie.CookieName));
        var device = deviceId is { } id ? await devices.FindAsync(id) : null;
        var flag = userId is { } user ? await flags.FindAsync(user, cancellationToken) : null;
        return RiskScore.Assess(server, device, flag is not null, flag?.Reason);
    }

    /// <summary>An admin flagged or unflagged an account on this instance.</summary>
    internal void FlagsChanged() => flags.Changed();
}
