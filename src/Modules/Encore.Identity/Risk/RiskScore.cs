using Encore.Contracts.FlashSale;

namespace Encore.Identity.Risk;

/// <summary>What the server sees of a request, without asking the browser anything.</summary>
internal sealed record ServerSignals(string UserAgent, bool HasAcceptLanguage, bool HasClientHints, bool HasDeviceCookie);

/// <summary>
/// The scoring rules (docs/bot-defense.md lists them): each signal adds points, the sum is capped at
/// 100. No single weak signal makes a buyer risky on its own; an automation marker does.
/// </summary>
internal static class RiskScore
{
    public const int HeadlessUserAgent = 60;
    public const int NoUserAgent = 30;
    public const int NoAcceptLanguage = 10;
    public const int NoClientHints = 15;
    public const int NoDeviceCookie = 10;
    public const int BotDetected = 70;
    public const int Webdriver = 50;
    public const int SharedVisitor = 25;
    /// <summary>This many accounts on one browser (visitor id) in a day looks like an account farm.</summary>
    public const int SharedVisitorAccounts = 4;

    // Tools that announce themselves: headless browsers, automation drivers and HTTP libraries.
    static readonly string[] AutomationMarkers =
    [
        "HeadlessChrome", "Headless", "PhantomJS", "Puppeteer", "Playwright", "Selenium", "WebDriver", "Electron/",
        "python-requests", "python-httpx", "aiohttp", "curl/", "Wget/", "Go-http-client", "node-fetch", "axios/", "undici",
        "Scrapy", "okhttp", "libwww-perl", "Java/", "HeadlessShell",
    ];

    public static BuyerRisk Assess(ServerSignals server, DeviceReport? device, bool shadowBanned, string? flagReason)
    {
        var score = 0;
        var reasons = new List<string>();
        void Add(int points, string reason)
        {
            score += points;
            reasons.Add(reason);
        }

        var ua = server.UserAgent;
        if (ua.Length == 0) Add(NoUserAgent, "No User-Agent header");
        else if (AutomationMarkers.FirstOrDefault(m => ua.Contains(m, StringComparison.OrdinalIgnoreCase)) is { } marker)
            Add(HeadlessUserAgent, $"User agent names automation ({marker})");
        if (!server.HasAcceptLanguage) Add(NoAcceptLanguage, "No Accept-Language header");
        // Chromium browsers send sec-ch-ua on every request to a secure origin; a Chrome user agent without it is a copy.
        if (IsChromium(ua) && !server.HasClientHints) Add(NoClientHints, "Chrome user agent without sec-ch-ua client hints");
        if (!server.HasDeviceCookie) Add(NoDeviceCookie, "No device cookie");

        if (device is not null)
        {
            if (device.Bot) Add(BotDetected, $"BotD detected automation{(device.BotKind is { Length: > 0 } k ? $" ({k})" : "")}");
            if (device.Webdriver) Add(Webdriver, "navigator.webdriver is set");
            if (device.AccountsOnVisitor >= SharedVisitorAccounts) Add(SharedVisitor, $"{device.AccountsOnVisitor} accounts on this browser in a day");
        }
        if (shadowBanned) reasons.Add($"Flagged by an admin: {flagReason}");
        return new BuyerRisk(Math.Min(100, score), shadowBanned, reasons);
    }

    static bool IsChromium(string ua) =>
        ua.Contains("Chrome/", StringComparison.Ordinal) || ua.Contains("Chromium/", StringComparison.Ordinal);
}
