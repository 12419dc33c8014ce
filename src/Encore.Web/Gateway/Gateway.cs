using Encore.BuildingBlocks.Persistence;

namespace Encore.Web.Gateway;

/// <summary>Request-level bot defenses: rate limits, the proof-of-work challenge and the gate (docs/bot-defense.md).</summary>
internal static class Gateway
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration, StorageOptions storage)
    {
        services.AddEncoreRateLimits(configuration, storage.RedisConnectionString);

        var options = configuration.GetSection(BotDefenseOptions.Section).Get<BotDefenseOptions>() ?? new BotDefenseOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<AltchaKey>();
        if (storage.RedisConnectionString is not null)
            services.AddSingleton<ISpentProofs>(sp => new RedisSpentProofs(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>(), options.KeyPrefix));
        else
            services.AddSingleton<ISpentProofs, InProcessSpentProofs>();
        services.AddSingleton<ProofOfWorkCheck>();
        services.AddSingleton<PageGate>();
        services.AddHttpClient(HCaptchaCheck.HttpClientName, http => http.Timeout = options.HCaptcha.Timeout);
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<HCaptchaCheck>(sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HCaptchaCheck.HttpClientName)));
        services.AddSingleton<IHumanCheck>(sp => string.Equals(options.Provider, "HCaptcha", StringComparison.OrdinalIgnoreCase)
            ? sp.GetRequiredService<HCaptchaCheck>()
            : sp.GetRequiredService<ProofOfWorkCheck>());
        return services;
    }

    /// <summary>After authentication and authorization: limits and gates need to know the account.</summary>
    public static IApplicationBuilder UseGateway(this IApplicationBuilder app) => app.UseRateLimiter().UseBotGate();

    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder endpoints)
    {
        ChallengeEndpoint.Map(endpoints);
        return endpoints;
    }
}
