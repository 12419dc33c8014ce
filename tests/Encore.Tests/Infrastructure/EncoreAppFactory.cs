using Encore.BuildingBlocks.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Encore.Tests.Infrastructure;

/// <summary>
/// The whole app in the test process, on either topology: SQLite in a fresh file, or a fresh
/// PostgreSQL database with the shared Redis. Demo data is off unless a test asks for it.
/// </summary>
public class EncoreAppFactory : WebApplicationFactory<Program>
{
    public StorageProvider Provider { get; }
    public string ConnectionString { get; }
    readonly bool seedDemo;
    readonly Dictionary<string, string?> settings = [];
    readonly List<Action<IServiceCollection>> serviceOverrides = [];
    // Redis is shared by every test: each app gets its own throttle keys unless it is another instance of one.
    string throttleKeyPrefix = $"test-{Guid.NewGuid():N}:";
    // The scaled topology needs the simulated gateway's webhook secret configured (only the embedded one generates it).
    string webhookSecret = $"whsec_test_{Guid.NewGuid():N}";

    EncoreAppFactory(StorageProvider provider, string connectionString, bool seedDemo)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.seedDemo = seedDemo;
    }

    public static EncoreAppFactory Sqlite(bool seedDemo = false)
    {
        var dir = Path.Combine(Path.GetTempPath(), "encore-tests");
        Directory.CreateDirectory(dir);
        return new(StorageProvider.Sqlite, $"Data Source={Path.Combine(dir, Guid.NewGuid().ToString("N"))}.db", seedDemo);
    }

    public static EncoreAppFactory Postgres(bool seedDemo = false) =>
        new(StorageProvider.Postgres, TestServers.NewPostgresDatabase("encore"), seedDemo);

    /// <summary>Another instance on an existing PostgreSQL database (and the shared Redis): what a scaled deployment runs.</summary>
    public static EncoreAppFactory PostgresOn(string connectionString, bool seedDemo = false) =>
        new(StorageProvider.Postgres, connectionString, seedDemo);

    public static EncoreAppFactory For(StorageProvider provider, bool seedDemo = false) =>
        provider == StorageProvider.Postgres ? Postgres(seedDemo) : Sqlite(seedDemo);

    /// <summary>A second instance of the app on the same database (and Redis), as in a scaled deployment.</summary>
    public EncoreAppFactory AnotherInstance()
    {
        var other = new EncoreAppFactory(Provider, ConnectionString, seedDemo: false) { throttleKeyPrefix = throttleKeyPrefix, webhookSecret = webhookSecret };
        foreach (var (key, value) in settings) other.settings[key] = value;
        other.serviceOverrides.AddRange(serviceOverrides);
        return other;
    }

    /// <summary>Replaces services (a fake clock, say) after the app registered its own.</summary>
    public EncoreAppFactory WithServices(Action<IServiceCollection> configure)
    {
        serviceOverrides.Add(configure);
        return this;
    }

    /// <summary>Extra configuration, applied before the app builds.</summary>
    public EncoreAppFactory With(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Encore:Storage", Provider.ToString());
        builder.UseSetting(Provider == StorageProvider.Postgres ? "ConnectionStrings:Postgres" : "ConnectionStrings:Sqlite", ConnectionString);
        if (Provider == StorageProvider.Postgres) builder.UseSetting("ConnectionStrings:Redis", TestServers.Redis);
        if (Provider == StorageProvider.Postgres) builder.UseSetting("Encore:Payments:Simulated:WebhookSecret", webhookSecret);
        builder.UseSetting("Encore:Demo:Seed", seedDemo ? "on" : "off");
        builder.UseSetting("Encore:Identity:Throttle:KeyPrefix", throttleKeyPrefix);
        builder.UseSetting("Encore:RateLimits:KeyPrefix", throttleKeyPrefix + "rl:");
        builder.UseSetting("Encore:BotDefense:KeyPrefix", throttleKeyPrefix + "pow:");
        // Test buyers solve real challenges; an easy one keeps that quick (risky clients still get harder ones).
        builder.UseSetting("Encore:BotDefense:ProofOfWork:MaxNumber", "20");
        // Stories and walks send more requests than a person would; the rate-limit tests set their own budgets.
        foreach (var policy in new[] { "holds", "queue-join", "queue-status" })
            foreach (var bucket in new[] { "Account", "Address", "Device" })
            {
                builder.UseSetting($"Encore:RateLimits:Policies:{policy}:{bucket}:Capacity", "100000");
                builder.UseSetting($"Encore:RateLimits:Policies:{policy}:{bucket}:RefillPerMinute", "100000");
            }
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            TestRsaKeys.Use(services);
            // PBKDF2 at the production work factor (100,000 iterations) for every sign-up and sign-in
            // was a sixth of the suite's CPU. A hash records its iteration count, so the same code
            // verifies it either way; what the tests check of passwords does not depend on the count.
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1_000);
            serviceOverrides.ForEach(configure => configure(services));
        });
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// Waits until the relay has delivered every outbox message of every module, so consumers'
    /// writes (the inventory materializing the demo events, say) are done before a test counts rows.
    /// </summary>
    public async Task WaitForOutboxAsync()
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var pending = false;
            foreach (var module in Services.GetServices<ModuleDatabase>().DistinctBy(m => m.ContextType))
            {
                await using var scope = Services.CreateAsyncScope();
                var db = (Microsoft.EntityFrameworkCore.DbContext)scope.ServiceProvider.GetRequiredService(module.ContextType);
                if (db.Model.FindEntityType(typeof(Encore.BuildingBlocks.Outbox.OutboxMessage)) is null) continue;
                pending |= await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
                    db.Set<Encore.BuildingBlocks.Outbox.OutboxMessage>(), m => m.Status == Encore.BuildingBlocks.Outbox.OutboxStatus.Pending);
            }
            if (!pending) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("The outbox still had pending messages after 60 s.");
    }
}
