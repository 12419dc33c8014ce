using System.Security.Claims;
using Encore.Contracts.FlashSale;
using Encore.Identity.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Encore.Identity.Risk;

/// <summary>
/// The browser's script reports its FingerprintJS visitor id and BotD verdict. Anyone may call it,
/// and a bot can lie here: a report can only add to a device's risk, never clear a server signal.
/// The JSON body is what keeps other sites out: a cross-site form cannot send application/json
/// without a CORS preflight, which this app never grants.
/// </summary>
internal static class ReportDevice
{
    /// <param name="VisitorId">FingerprintJS's visitor id (a hash of the browser's attributes).</param>
    /// <param name="Bot">BotD's verdict: automation detected.</param>
    /// <param name="BotKind">BotD's name for what it found (headless_chrome, selenium, …).</param>
    /// <param name="Webdriver">navigator.webdriver, which automation drivers set.</param>
    internal sealed record DeviceSignalsRequest(string VisitorId, bool Bot, string? BotKind, bool? Webdriver);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/bot-defense/signals", Handle)
            .WithTags("Bot defense")
            .WithSummary("Report this browser's device signals (FingerprintJS visitor id, BotD result)")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.QueueStatus)
            .ProducesProblem(StatusCodes.Status400BadRequest);

    static async Task<Results<NoContent, ValidationProblem>> Handle(
        DeviceSignalsRequest request, HttpContext http, DeviceCookie cookie, IDeviceReports reports, KnownDevices devices, TimeProvider clock)
    {
        if (request.VisitorId is not { Length: >= 8 and <= 64 } visitor || !visitor.All(char.IsAsciiLetterOrDigit))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["visitorId"] = ["8 to 64 letters and digits."] });
        if (request.BotKind is { Length: > 40 } || request.BotKind?.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-') == true)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["botKind"] = ["At most 40 letters, digits, '_' or '-'."] });

        var deviceId = cookie.Ensure(http);
        var accounts = Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            ? await reports.NoteAccountAsync(visitor, userId)
            : 0;
        // A later clean report must not wash out an earlier detection from the same device.
        var earlier = await reports.GetAsync(deviceId);
        await reports.SaveAsync(deviceId, new DeviceReport(
            visitor,
            request.Bot || earlier?.Bot == true,
            request.Bot ? request.BotKind : earlier?.BotKind,
            request.Webdriver == true || earlier?.Webdriver == true,
            Math.Max(accounts, earlier?.AccountsOnVisitor ?? 0),
            clock.GetUtcNow()));
        await devices.ReportedAsync(deviceId);
        return TypedResults.NoContent();
    }
}
