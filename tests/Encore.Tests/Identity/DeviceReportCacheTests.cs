using System.Net;
using System.Net.Http.Json;
using Encore.Identity.Risk;
using Encore.Identity.Sessions;
using Encore.Tests.Gateway;
using Encore.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encore.Tests.Identity;

/// <summary>
/// Two instances on PostgreSQL and Redis, each with its own clock. An instance scores a device from
/// its copy of the device's report for the cache time; a report made on the other instance is
/// announced and counts here from the next request, with this instance's clock standing still.
/// The challenge's difficulty shows the score: 20 for a clean browser in tests, 2,000 once BotD
/// has reported automation.
/// </summary>
public sealed class DeviceReportCacheTests
{
    [Fact]
    public async Task A_report_made_on_another_instance_counts_at_once_and_a_store_change_unannounced_after_the_cache_time()
    {
        var clockB = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = EncoreAppFactory.Postgres();
        await using var b = a.AnotherInstance().WithServices(s => s.AddSingleton<TimeProvider>(clockB));

        // A device whose report changes in the store behind the instances' backs: B keeps its copy
        // until the cache time has passed on its clock.
        var quiet = await NewDeviceAsync(a);
        var onB = Browser(b, quiet);
        Assert.Equal(20, (await onB.ChallengeAsync("hold")).Maxnumber);
        var deviceId = DeviceIdOf(b, quiet);
        await a.Service<IDeviceReports>().SaveAsync(deviceId, new DeviceReport("0123456789abcdef", true, "headless_chrome", false, 0, DateTimeOffset.UtcNow));
        Assert.Equal(20, (await onB.ChallengeAsync("hold")).Maxnumber);
        clockB.Advance(KnownDevices.CacheTime);
        Assert.Equal(2000, (await onB.ChallengeAsync("hold")).Maxnumber);

        // A device that reports automation through A: B hears of it and scores the new report
        // without its clock moving.
        var reported = await NewDeviceAsync(a);
        var reportedOnB = Browser(b, reported);
        Assert.Equal(20, (await reportedOnB.ChallengeAsync("hold")).Maxnumber);
        Assert.Equal(HttpStatusCode.NoContent, (await Browser(a, reported).PostAsJsonAsync("/api/bot-defense/signals",
            new { visitorId = "0123456789abcdef", bot = true, botKind = "headless_chrome", webdriver = false })).StatusCode);
        // The announcement travels through Redis pub/sub: bounded by the test, never by B's clock.
        var difficulty = 0L;
        for (var i = 0; i < 100 && difficulty != 2000; i++)
        {
            if (i > 0) await Task.Delay(100);
            difficulty = (await reportedOnB.ChallengeAsync("hold")).Maxnumber;
        }
        Assert.Equal(2000, difficulty);
    }

    /// <summary>A clean report through the instance; answers the device cookie it set (name=value).</summary>
    static async Task<string> NewDeviceAsync(EncoreAppFactory app)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }).AsBrowser();
        var response = await client.PostAsJsonAsync("/api/bot-defense/signals", new { visitorId = "0123456789abcdef", bot = false, webdriver = false });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(DeviceCookie.CookieName + "=", StringComparison.Ordinal));
        return setCookie.Split(';')[0];
    }

    static HttpClient Browser(EncoreAppFactory app, string deviceCookie)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false }).AsBrowser();
        client.DefaultRequestHeaders.Add("Cookie", deviceCookie);
        return client;
    }

    static Guid DeviceIdOf(EncoreAppFactory app, string deviceCookie)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = deviceCookie;
        return app.Service<DeviceCookie>().Read(http) ?? throw new InvalidOperationException("The device cookie did not unseal.");
    }
}
