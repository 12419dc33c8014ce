using Encore.Identity.Risk;

namespace Encore.Tests.Identity;

/// <summary>The scoring rules of docs/bot-defense.md, one by one and combined.</summary>
public sealed class RiskScoreTests
{
    const string Chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
    const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    static readonly ServerSignals Person = new(Chrome, HasAcceptLanguage: true, HasClientHints: true, HasDeviceCookie: true);

    static DeviceReport Report(bool bot = false, bool webdriver = false, int accounts = 1, string? kind = null) =>
        new("abcdef0123456789", bot, kind, webdriver, accounts, Now);

    [Fact]
    public void A_browser_with_all_its_headers_and_a_clean_report_scores_zero()
    {
        var risk = RiskScore.Assess(Person, Report(), shadowBanned: false, flagReason: null);
        Assert.Equal(0, risk.Score);
        Assert.False(risk.ShadowBanned);
        Assert.Empty(risk.Reasons);
        Assert.Equal(0, RiskScore.Assess(Person with { UserAgent = Firefox, HasClientHints = false }, null, false, null).Score);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36")]
    [InlineData("python-requests/2.32.3")]
    [InlineData("curl/8.5.0")]
    [InlineData("Mozilla/5.0 (compatible; Playwright)")]
    public void Automation_user_agents_score_high(string userAgent)
    {
        var risk = RiskScore.Assess(Person with { UserAgent = userAgent, HasClientHints = false }, null, false, null);
        Assert.True(risk.Score >= RiskScore.HeadlessUserAgent, $"{userAgent}: {risk.Score}");
        Assert.Contains(risk.Reasons, r => r.StartsWith("User agent names automation", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_missing_header_adds_its_points()
    {
        Assert.Equal(RiskScore.NoUserAgent, RiskScore.Assess(Person with { UserAgent = "" }, null, false, null).Score);
        Assert.Equal(RiskScore.NoAcceptLanguage, RiskScore.Assess(Person with { HasAcceptLanguage = false }, null, false, null).Score);
        Assert.Equal(RiskScore.NoClientHints, RiskScore.Assess(Person with { HasClientHints = false }, null, false, null).Score);
        Assert.Equal(RiskScore.NoDeviceCookie, RiskScore.Assess(Person with { HasDeviceCookie = false }, null, false, null).Score);
        // A bare HTTP library: no user agent, no language, no cookie.
        var bare = RiskScore.Assess(new ServerSignals("", false, false, false), null, false, null);
        Assert.Equal(RiskScore.NoUserAgent + RiskScore.NoAcceptLanguage + RiskScore.NoDeviceCookie, bare.Score);
        Assert.Equal(3, bare.Reasons.Count);
    }

    [Fact]
    public void The_device_report_adds_botd_webdriver_and_account_farms()
    {
        Assert.Equal(RiskScore.BotDetected, RiskScore.Assess(Person, Report(bot: true, kind: "headless_chrome"), false, null).Score);
        Assert.Contains("BotD detected automation (headless_chrome)", RiskScore.Assess(Person, Report(bot: true, kind: "headless_chrome"), false, null).Reasons);
        Assert.Equal(RiskScore.Webdriver, RiskScore.Assess(Person, Report(webdriver: true), false, null).Score);
        Assert.Equal(0, RiskScore.Assess(Person, Report(accounts: RiskScore.SharedVisitorAccounts - 1), false, null).Score);
        Assert.Equal(RiskScore.SharedVisitor, RiskScore.Assess(Person, Report(accounts: RiskScore.SharedVisitorAccounts), false, null).Score);
    }

    [Fact]
    public void The_score_is_capped_at_100_and_a_flag_is_reported_with_its_reason()
    {
        var worst = RiskScore.Assess(new ServerSignals("HeadlessChrome/130 Chrome/130", false, false, false), Report(bot: true, webdriver: true, accounts: 9), true, "resold 40 tickets");
        Assert.Equal(100, worst.Score);
        Assert.True(worst.ShadowBanned);
        Assert.Contains("Flagged by an admin: resold 40 tickets", worst.Reasons);
        // A flag alone says nothing about the device.
        var flagged = RiskScore.Assess(Person, null, true, "chargebacks");
        Assert.Equal(0, flagged.Score);
        Assert.True(flagged.ShadowBanned);
    }
}
