using Microsoft.Playwright;

namespace Encore.BrowserTests;

/// <summary>
/// Every page of the route table, anonymous and signed in: axe finds no WCAG 2.1 AA violation,
/// it fits a 320 px screen, and it breaks no rule of the content security policy.
/// Screenshots land in TestResults/screenshots beside the test assembly.
/// </summary>
[Collection(SiteCollection.Name)]
public sealed class EveryPageTests(EncoreSite site)
{
    public static TheoryData<string, string> Visits => PageRoutes.Visits();

    [Fact]
    public void The_route_table_has_the_account_pages_and_the_tools()
    {
        var templates = PageRoutes.All().Select(r => r.Template).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "/", "/account", "/account/login", "/account/register", "/account/confirm-email", "/account/forgot-password",
                "/account/reset-password", "/account/change-password", "/account/denied", "/dev/mailbox", "/dev/mailbox/{Id:guid}", "/api-reference", "/not-found", "/error" },
            templates);
    }

    [Theory]
    [MemberData(nameof(Visits))]
    public async Task Page_has_no_accessibility_violations(string template, string visitor)
    {
        var path = await AddressOf(template, visitor);
        await using var context = await site.NewContextAsync(visitor);
        var page = await context.NewPageAsync();

        await page.GotoAsync(path);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot(visitor, template, ""), FullPage = true });

        await Axe.AssertNoViolationsAsync(page);
    }

    [Theory]
    [MemberData(nameof(Visits))]
    public async Task Page_fits_a_320_pixel_screen_without_scrolling_sideways(string template, string visitor)
    {
        var path = await AddressOf(template, visitor);
        await using var context = await site.NewContextAsync(visitor, width: 320, height: 640);
        var page = await context.NewPageAsync();

        await page.GotoAsync(path);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot(visitor, template, "-320"), FullPage = true });

        var overflow = await page.EvaluateAsync<string[]>("""
            () => {
              const width = document.documentElement.clientWidth;
              if (document.documentElement.scrollWidth <= width) return [];
              return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 0.5)
                .slice(0, 10)
                .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''} right=${Math.round(e.getBoundingClientRect().right)}`);
            }
            """);
        Assert.True(overflow.Length == 0, $"{path} is wider than 320 px; elements past the edge:\n" + string.Join("\n", overflow));
    }

    [Theory]
    [MemberData(nameof(Visits))]
    public async Task Page_breaks_no_content_security_policy_rule(string template, string visitor)
    {
        var path = await AddressOf(template, visitor);
        await using var context = await site.NewContextAsync(visitor);
        var page = await context.NewPageAsync();
        var violations = await CspWatch.StartAsync(page);

        var response = await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.NotNull(response);
        Assert.Contains("script-src 'self'", await response.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task The_csp_watch_sees_an_inline_style()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        var violations = await CspWatch.StartAsync(page);
        await page.GotoAsync("/");

        await page.EvaluateAsync("() => document.body.setAttribute('style', 'color: red')");
        await page.WaitForFunctionAsync("() => window.__cspViolations > 0");

        Assert.NotEmpty(violations);
    }

    [Fact]
    public async Task The_axe_check_sees_an_image_without_alternative_text()
    {
        await using var context = await site.NewContextAsync(EncoreSite.Anonymous);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        await page.EvaluateAsync("() => document.querySelector('main').append(Object.assign(document.createElement('img'), { src: '/favicon.ico' }))");

        Assert.Contains("image-alt", await Axe.ViolationsAsync(page));
    }

    async Task<string> AddressOf(string template, string visitor)
    {
        var addresses = await site.CrawlAsync(visitor);
        Assert.True(addresses.TryGetValue(template, out var path),
            $"No page links to {template} for {visitor}; link it from a page, or add a sample address to PageRoutes.UnlinkedSamples.");
        return path;
    }

    // Named by route template, not address, so a page keeps its file name from run to run.
    static string Screenshot(string visitor, string template, string suffix) =>
        Path.Combine(EncoreSite.ScreenshotDirectory, PageRoutes.ScreenshotName(visitor, template) + suffix + ".png");
}

/// <summary>Collects CSP violations a page reports, from the console and from securitypolicyviolation events.</summary>
internal static class CspWatch
{
    public static async Task<List<string>> StartAsync(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (violations) violations.Add(message.Text);
        };
        page.PageError += (_, error) =>
        {
            lock (violations) violations.Add("page error: " + error);
        };
        // Init scripts run through the DevTools protocol, so the page's CSP does not block this one.
        await page.AddInitScriptAsync("""
            window.__cspViolations = 0;
            document.addEventListener('securitypolicyviolation', e => {
              window.__cspViolations++;
              console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
            });
            """);
        return violations;
    }
}
