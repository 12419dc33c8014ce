using Encore.BuildingBlocks;
using Encore.Identity;
using Encore.BuildingBlocks.Email;
using Encore.BuildingBlocks.Http;
using Encore.BuildingBlocks.Live;
using Encore.BuildingBlocks.Outbox;
using Encore.BuildingBlocks.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Encore.Web.Gateway;
using StackExchange.Redis;

namespace Encore.Web.Hosting;

/// <summary>What every instance needs whatever its modules: logs, telemetry, health, problems, security headers.</summary>
internal static class EncoreDefaults
{
    public static WebApplicationBuilder AddEncoreDefaults(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var storage = StorageOptions.From(builder.Configuration);
        // MapStaticAssets adds a catch-all {**path:file} fallback when it runs from build output,
        // with no authorization metadata of its own; we serve the manifest's files and nothing else.
        builder.Configuration["DisableStaticAssetNotFoundRuntimeFallback"] ??= "true";
        services.AddSingleton(storage);
        services.AddSingleton(TimeProvider.System);

        // JSON logs; the scopes carry the request's trace id, so every line of one request can be found.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("encore", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithTracingWhenCollected(builder.Configuration)
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Encore.*")
                .AddPrometheusExporter());

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddValidation();
        services.AddOpenApi(o => o.DescribeMoney().AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Encore API";
            doc.Info.Description = "Concert ticketing: catalog, accounts, waiting rooms, holds, orders, payments, tickets and gates. "
                + "Errors are application/problem+json. Any operation may answer 503 with Retry-After when a store it needs is unavailable "
                + "for a moment (a database restart, say): ask again after the delay, with the same Idempotency-Key where the operation takes one.";
            return Task.CompletedTask;
        }));
        services.AddAntiforgery();

        services.AddEmail(builder.Configuration);
        services.AddRedisWhenConfigured(storage);
        services.AddLiveBroadcast(storage);
        // Each instance delivers several outbox messages at once on PostgreSQL (Encore:Outbox:Parallelism);
        // SQLite takes one writer at a time, so the embedded default delivers one by one.
        services.AddOutboxRelay(new OutboxOptions { Parallelism = builder.Configuration.GetValue("Encore:Outbox:Parallelism", storage.IsPostgres ? 4 : 1) });
        services.AddGateway(builder.Configuration, storage);

        var health = services.AddHealthChecks();
        if (storage.RedisConnectionString is not null)
            health.AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        services.AddSingleton<IConfigureOptions<HealthCheckServiceOptions>, ModuleDatabaseHealthChecks>();

        // X-Forwarded-For decides the client address that login throttling and rate limits key on,
        // so it is believed only from the load balancers named in Encore:TrustedProxies (addresses or
        // CIDR networks) besides loopback; from anyone else a client could pick its own address.
        var trustedProxies = builder.Configuration.GetSection("Encore:TrustedProxies").Get<string[]>() ?? [];
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in trustedProxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network)) o.KnownIPNetworks.Add(network);
                else if (System.Net.IPAddress.TryParse(proxy, out var address)) o.KnownProxies.Add(address);
                else throw new InvalidOperationException($"Encore:TrustedProxies: '{proxy}' is neither an IP address nor a CIDR network.");
            }
        });
        return builder;
    }

    public static WebApplication UseEncoreDefaults(this WebApplication app)
    {
        app.UseForwardedHeaders();
        // Before anything that costs CPU (authentication decrypts the bearer token), so refusing is cheap.
        app.UseLoadShedding(LoadSheddingOptions.From(app.Configuration));
        // API clients get problem+json; browsers get the /error page (500s) and the not-found page (404s).
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",
            CreateScopeForErrors = true,
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException => StatusCodes.Status400BadRequest,
                _ when Outages.Caused(ex) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        app.UseStatusCodePagesWithReExecute("/error/{0}", createScopeForStatusCodePages: true);
        app.Use((http, next) =>
        {
            // The re-executing status pages are for browsers only; API clients fall through to problem+json above.
            if (!Problems.WantsPage(http) && http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            return next(http);
        });
        app.UseSecurityHeaders();
        app.MapStaticAssets().AllowAnonymous();
        app.UseIdentityAuthentication();
        app.UseAuthorization();
        app.UseGateway();
        app.UseAntiforgery();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        // A liveness ping that touches nothing (no database, no Redis, no auth): the benchmarks'
        // "trivial endpoint of the same instances" that the hold path is measured against.
        app.MapGet("/api/ping", () => TypedResults.Text("pong")).AllowAnonymous().WithTags("Health")
            .WithSummary("Liveness ping: answers 'pong' without touching any store");
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }
}

/// <summary>Ready means every module's database answers.</summary>
internal sealed class ModuleDatabaseHealthChecks(IEnumerable<ModuleDatabase> modules) : IConfigureOptions<HealthCheckServiceOptions>
{
    public void Configure(HealthCheckServiceOptions options)
    {
        foreach (var module in modules.DistinctBy(m => m.ContextType))
            options.Registrations.Add(new HealthCheckRegistration(
                $"db-{module.Schema}",
                sp => new ModuleDatabaseHealthCheck(sp, module.ContextType),
                HealthStatus.Unhealthy,
                ["ready"]));
    }
}

internal sealed class ModuleDatabaseHealthCheck(IServiceProvider services, Type contextType) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = (Microsoft.EntityFrameworkCore.DbContext)scope.ServiceProvider.GetRequiredService(contextType);
        return await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("database unreachable");
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy("redis unreachable", ex);
        }
    }
}
