using Encore.Contracts.FlashSale;
using Encore.Identity.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;

namespace Encore.Identity.Risk;

/// <summary>
/// Scores a buyer from the request's headers, the device's own report and the admin's flag. The
/// flags come from <see cref="FlaggedAccounts"/> (flagging on one instance counts there at once;
/// others follow within <see cref="FlagCacheSeconds"/>). A device's report is cached per instance
/// once it exists: every gated request (a challenge, a hold, a queue join) scores the device, and
/// the report changes only when the browser reports again — on this instance that clears the entry
/// at once, elsewhere within <see cref="DeviceCacheSeconds"/>. A missing report is not cached, so a
/// device's first report counts everywhere at once.
/// </summary>
internal sealed class BuyerRiskSignals(FlaggedAccounts flags, IMemoryCache cache, DeviceCookie cookie, IDeviceReports reports) : IBuyerRiskSignals
{
    public const int FlagCacheSeconds = 5;
    public const int DeviceCacheSeconds = 5;

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
        var device = deviceId is { } id ? await ReportAsync(id) : null;
        var flag = userId is { } user ? await flags.FindAsync(user, cancellationToken) : null;
        return RiskScore.Assess(server, device, flag is not null, flag?.Reason);
    }

    /// <summary>An admin flagged or unflagged an account on this instance.</summary>
    internal void FlagsChanged() => flags.Changed();

    async Task<DeviceReport?> ReportAsync(Guid deviceId)
    {
        if (cache.TryGetValue(DeviceKey(deviceId), out DeviceReport? cached)) return cached;
        var report = await reports.GetAsync(deviceId);
        if (report is not null) cache.Set(DeviceKey(deviceId), report, TimeSpan.FromSeconds(DeviceCacheSeconds));
        return report;
    }

    /// <summary>The device reported again: this instance scores the new report from the next request on.</summary>
    internal void ForgetDevice(Guid deviceId) => cache.Remove(DeviceKey(deviceId));

    static string DeviceKey(Guid deviceId) => $"encore:risk-device:{deviceId:N}";
}
