using System.Net;
using System.Text.RegularExpressions;
using Encore.BuildingBlocks.Email;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Encore.BrowserTests;

[CollectionDefinition(Name)]
public sealed class SiteCollection : ICollectionFixture<EncoreSite>
{
    public const string Name = "site";
}

/// <summary>
/// The app on a real Kestrel port (SQLite in a temp file, demo data on) and one headless
/// Chromium, shared by every browser test of the run.
/// </summary>
public sealed class EncoreSite : IAsyncLifetime
{
    public const string DemoPassword = "encore-demo-pass";
    public const string Anonymous = "anonymous";

    readonly string databasePath = Path.Combine(Path.GetTempPath(), "encore-browser-tests", Guid.NewGuid().ToString("N") + ".db");
    readonly Dictionary<string, string> signedInStates = [];
    readonly Dictionary<string, IReadOnlyDictionary<string, string>> crawls = [];
    readonly SemaphoreSlim gate = new(1, 1);
    SiteFactory factory = default!;
    IPlaywright playwright = default!;

    public IBrowser Browser { get; private set; } = default!;
    public string BaseUrl { get; private set; } = "";
    public IServiceProvider Services => factory.Services;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        if (Directory.Exists(ScreenshotDirectory)) Directory.Delete(ScreenshotDirectory, recursive: true);
        Directory.CreateDirectory(ScreenshotDirectory);
        factory = new SiteFactory(databasePath);
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        BaseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single().TrimEnd('/');

        // One message in the development mailbox, so the message page has an id to show.
        await factory.Services.GetRequiredService<DevelopmentMailbox>().SendAsync(
            new EmailMessage("buyer@encore.test", "Welcome to the development mailbox", $"Links are listed as anchors: {BaseUrl}/account/login"),
            CancellationToken.None);

        playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await factory.DisposeAsync();
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(databasePath)!, Path.GetFileName(databasePath) + "*"))
            File.Delete(file);
    }

    /// <summary>The demo account that a visitor name stands for ("organizer" is organizer@encore.test).</summary>
    public static string EmailOf(string visitor) => $"{visitor}@encore.test";

    /// <summary>A fresh browser context, signed in as the visitor unless it is <see cref="Anonymous"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(string visitor, int width = 1280, int height = 900)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ReducedMotion = ReducedMotion.Reduce,
        };
        if (visitor != Anonymous) options.StorageState = await SignedInStateAsync(visitor);
        return await Browser.NewContextAsync(options);
    }

    async Task<string> SignedInStateAsync(string visitor)
    {
        await gate.WaitAsync();
        try
        {
            if (signedInStates.TryGetValue(visitor, out var state)) return state;
            await using var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
            var page = await context.NewPageAsync();
            await SignInAsync(page, EmailOf(visitor), DemoPassword);
            // A test that signed this account in on a browser of its own (to sign it out) makes this
            // browser a new one for the account: it is asked for the emailed code.
            if (new Uri(page.Url).AbsolutePath == StepUpPath)
            {
                await CompleteStepUpAsync(page, EmailOf(visitor));
                await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != StepUpPath);
            }
            if (new Uri(page.Url).AbsolutePath == TwoFactorPath)
            {
                // Organizer and admin need a second factor: a recovery code minted in the app, so
                // the sign-in does not depend on the clock (the MFA journey types real TOTP codes).
                await page.Locator("#recovery-code").FillAsync(await NewRecoveryCodeAsync(EmailOf(visitor)));
                await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a recovery code" }).ClickAsync();
                await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != TwoFactorPath);
            }
            state = await context.StorageStateAsync();
            signedInStates[visitor] = state;
            return state;
        }
        finally
        {
            gate.Release();
        }
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("main form button[type=submit]").ClickAsync();
        // Done when the password was taken: signed in, or at the second step for accounts that have one.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != "/account/login");
    }

    public const string TwoFactorPath = "/account/login/two-factor";
    public const string StepUpPath = "/account/step-up";

    /// <summary>One new recovery code for the account (its previous ones stop working).</summary>
    public async Task<string> NewRecoveryCodeAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Encore.Identity.EncoreUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account {email}");
        return (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 1))!.Single();
    }

    /// <summary>
    /// A buyer account of its own (an established one, a year old), for a journey whose payment must
    /// not be scored by what other tests' payments did to the shared demo buyer (fraud velocity).
    /// Answers the visitor name for <see cref="NewContextAsync"/>.
    /// </summary>
    public async Task<string> NewBuyerAsync(string prefix)
    {
        var visitor = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Encore.Identity.EncoreUser>>();
        var user = new Encore.Identity.EncoreUser
        {
            Id = Guid.CreateVersion7(), UserName = EmailOf(visitor), Email = EmailOf(visitor), EmailConfirmed = true,
            DisplayName = "Test buyer", CreatedAt = DateTimeOffset.UtcNow.AddYears(-1),
        };
        var created = await users.CreateAsync(user, DemoPassword);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        return visitor;
    }

    /// <summary>The code in the newest step-up mail to the account (development mailbox).</summary>
    public string LatestStepUpCode(string email) =>
        Regex.Match(Services.GetRequiredService<DevelopmentMailbox>().Newest()
            .First(m => m.Message.To == email && m.Message.Subject.StartsWith("Your Encore sign-in code", StringComparison.Ordinal)).Message.Subject, "[0-9]{6}").Value;

    /// <summary>On the step-up page after a sign-in from a new browser: enters the emailed code.</summary>
    public async Task CompleteStepUpAsync(IPage page, string email)
    {
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == StepUpPath);
        await page.Locator("#code").FillAsync(LatestStepUpCode(email));
        await page.Locator("main form button[type=submit]").First.ClickAsync();
    }

    /// <summary>
    /// A concrete address for every page route the visitor can reach, found by following the
    /// site's own links from the pages without parameters (so ids come from the demo data).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> CrawlAsync(string visitor)
    {
        lock (crawls)
            if (crawls.TryGetValue(visitor, out var known)) return known;

        var routes = PageRoutes.All().Where(r => r.VisitedBy(visitor)).Select(r => r.Template).Distinct().ToList();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (template, sample) in PageRoutes.UnlinkedSamples) found[template] = sample;
        var queue = new Queue<string>(routes.Where(t => !PageRoutes.HasParameters(t)));
        foreach (var path in queue) found[path] = path;
        var seen = new HashSet<string>(queue, StringComparer.Ordinal);

        await using var context = await NewContextAsync(visitor);
        var page = await context.NewPageAsync();
        while (queue.Count > 0 && found.Count < routes.Count + PageRoutes.UnlinkedSamples.Count)
        {
            var path = queue.Dequeue();
            await page.GotoAsync(path);
            var hrefs = await page.EvalOnSelectorAllAsync<string[]>("a[href]", "links => links.map(a => a.href)");
            foreach (var href in hrefs)
            {
                if (!Uri.TryCreate(href, UriKind.Absolute, out var uri) || !href.StartsWith(BaseUrl, StringComparison.Ordinal)) continue;
                var linked = uri.AbsolutePath;
                // "/organizer/venues/new" is its own page, not a value for "/organizer/venues/{VenueId}".
                if (routes.Contains(linked)) continue;
                var template = routes.FirstOrDefault(t => PageRoutes.HasParameters(t) && !found.ContainsKey(t) && PageRoutes.Matches(t, linked));
                if (template is null || !seen.Add(linked)) continue;
                found[template] = linked;
                queue.Enqueue(linked);
            }
        }
        lock (crawls) crawls[visitor] = found;
        return found;
    }

    sealed class SiteFactory(string databasePath) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            // Outside Development the host only knows wwwroot; a browser asks for the build's
            // precompressed variants (obj/.../compressed), which only this manifest maps.
            builder.UseStaticWebAssets();
            builder.UseSetting("Encore:Storage", "Sqlite");
            builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={databasePath}");
            builder.UseSetting("Encore:Demo:Seed", "on");
            // Every browser test signs in from 127.0.0.1: the per-address throttle would add up all their failures.
            builder.UseSetting("Encore:Identity:Throttle:Address:FreeFailures", "1000");
            // Every browser test pays from 127.0.0.1 with Stripe's shared test cards, so the fraud screen's
            // address and card-sharing rules would count the whole suite as one fan: a payment late in the
            // run was held for review depending on which tests ran before it. FraudTests cover both rules.
            builder.UseSetting("Encore:Payments:Fraud:IpVelocityLimit", "100000000");
            builder.UseSetting("Encore:Payments:Fraud:CardAccountsLimit", "100000000");
            // Headless Chromium scores as a bot, so its challenges are a hundred times this; keep them quick.
            builder.UseSetting("Encore:BotDefense:ProofOfWork:MaxNumber", "500");
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }
}
