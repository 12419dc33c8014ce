using System.Security.Claims;
using Encore.BuildingBlocks.Persistence;
using Encore.Contracts.Identity;
using Encore.Identity.Passwords;
using Encore.Identity.Sessions;
using Encore.Identity.Throttling;
using Encore.Identity.Oidc;
using Encore.Identity.Mfa;
using Encore.Identity.Risk;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Encore.Identity;

public static class IdentityModule
{
    /// <summary>Cookie for pages, bearer for the API; the header the client sends decides.</summary>
    public const string PagesOrApiScheme = "pages-or-api";

    public static IServiceCollection AddIdentityModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<IdentityDb, SqliteIdentityDb, PostgresIdentityDb>(configuration, IdentityDb.Schema);
        services.AddDataProtection().SetApplicationName("Encore").PersistKeysToDbContext<IdentityDb>().ProtectKeysAtRest(configuration);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = PagesOrApiScheme;
                o.DefaultChallengeScheme = PagesOrApiScheme;
            })
            .AddPolicyScheme(PagesOrApiScheme, "Cookie or bearer", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? CachedBearerHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, CachedBearerHandler>(CachedBearerHandler.SchemeName, null)
            .AddBearerToken(IdentityConstants.BearerScheme)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(o =>
            {
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.AccessDeniedPath = "/account/denied";
                o.Cookie.Name = "encore.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromDays(14);
                // An API client gets a status code, not a redirect to a sign-in page.
                o.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, StatusCodes.Status403Forbidden);
                // Server-side sessions bound to the device cookie; the security stamp check runs after ours.
                o.Events.OnSigningIn = ctx => ctx.HttpContext.RequestServices.GetRequiredService<UserSessions>().OnSigningInAsync(ctx);
                o.Events.OnValidatePrincipal = ctx => ctx.HttpContext.RequestServices.GetRequiredService<UserSessions>().OnValidatePrincipalAsync(ctx);
                o.Events.OnSigningOut = ctx => ctx.HttpContext.RequestServices.GetRequiredService<UserSessions>().OnSigningOutAsync(ctx);
            }));

        services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, Oidc.SchemesOutsideOidc>());

        services.AddIdentityCore<EncoreUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedEmail = true;
                // NIST SP 800-63B-4: length and known passwords, never composition rules. The
                // lengths (15, or 8 with a second factor) and the breached list live in
                // PasswordPolicyValidator, which replaces the framework's validator below.
                o.Password.RequiredLength = PasswordPolicyValidator.MultiFactorMinimum;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.MaxFailedAccessAttempts = 10;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                ConfigureStores(o);
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<IdentityDb>()
            // The API endpoints register the framework's sign-in manager and token providers, so
            // ours come after them and replace them.
            .AddApiEndpoints()
            .AddSignInManager<EncoreSignInManager>()
            // Authenticator codes use our provider under the framework's authenticator name, so every
            // sign-in path and the Identity API's manage/2fa get the narrow window and the replay check.
            .AddTokenProvider<TotpAuthenticatorProvider>(TokenOptions.DefaultAuthenticatorProvider);
        services.Configure<IdentityOptions>(o =>
        {
            // No codes by email or SMS: a mailbox is what a password reset already trusts, so it is not a second factor.
            o.Tokens.ProviderMap.Remove(TokenOptions.DefaultEmailProvider);
            o.Tokens.ProviderMap.Remove(TokenOptions.DefaultPhoneProvider);
        });
        services.Configure<IdentityPasskeyOptions>(o =>
        {
            // A passkey signs in on its own, so the device must check its owner (PIN or biometrics).
            o.UserVerificationRequirement = "required";
            o.ResidentKeyRequirement = "required";
        });

        services.AddScoped<IUserStore<EncoreUser>, EncoreUserStore>();
        services.AddSingleton<AccountEmails>();
        services.AddSingleton<IEmailSender<EncoreUser>>(sp => sp.GetRequiredService<AccountEmails>());

        services.AddOptions<Passwords.PasswordOptions>().BindConfiguration(Passwords.PasswordOptions.Section);
        services.AddSingleton<BreachedPasswordList>();
        services.AddHttpClient(PwnedPasswordsRange.HttpClientName, (sp, http) =>
        {
            var hibp = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Passwords.PasswordOptions>>().Value.Hibp;
            http.BaseAddress = hibp.BaseUrl;
            http.Timeout = hibp.Timeout;
            http.DefaultRequestHeaders.UserAgent.ParseAdd("Encore-PasswordCheck");
        });
        services.AddSingleton<IBreachedPasswords>(sp =>
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Passwords.PasswordOptions>>().Value.Hibp.Enabled
                ? ActivatorUtilities.CreateInstance<PwnedPasswordsRange>(sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(PwnedPasswordsRange.HttpClientName))
                : sp.GetRequiredService<BreachedPasswordList>());
        services.Replace(ServiceDescriptor.Scoped<IPasswordValidator<EncoreUser>, PasswordPolicyValidator>());

        services.AddOptions<ThrottleOptions>().BindConfiguration(ThrottleOptions.Section);
        services.AddSingleton<ILoginThrottle>(sp => sp.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisLoginThrottle(redis, sp.GetRequiredService<TimeProvider>())
            : new InProcessLoginThrottle(sp.GetRequiredService<TimeProvider>()));
        services.AddScoped<LoginThrottling>();

        services.AddOptions<StepUpOptions>().BindConfiguration(StepUpOptions.Section);
        services.AddOptions<CountryOptions>().BindConfiguration(CountryOptions.Section);
        services.AddSingleton<DeviceCookie>();
        services.AddSingleton<Encore.Contracts.FlashSale.IDeviceContext, DeviceContext>();
        services.TryAddSingleton<ICountryLookup, HeaderCountryLookup>();
        services.TryAddScoped<IStepUpPolicy, DeviceAndCountryStepUpPolicy>();
        services.AddScoped<UserSessions>();
        services.AddSingleton<ValidatedBearerTokens>();
        services.AddRisk();
        services.AddScoped<IdentityDemoData>();
        services.AddScoped<Bench.BenchBuyers>();
        services.AddScoped<OidcDemoClients>();
        services.AddOidcServer(configuration);
        services.AddScoped<Contracts.Identity.IMachineClients, Oidc.MachineClients>();
        services.AddExternalLogin(new AuthenticationBuilder(services), configuration);
        services.AddScoped<AuthenticatorEnrolment>();
        services.AddScoped<PasskeySecondFactor>();
        services.AddScoped<IAuthorizationHandler, MultiFactorHandler>();
        services.AddSingleton<IMultiFactorRule, PrivilegedRoleRule>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, MultiFactorResultHandler>();

        services.AddAuthorizationBuilder()
            // Deny by default: an endpoint that names no policy and is not explicitly anonymous refuses everyone but signed-in users.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.SignedIn, p => p.RequireAuthenticatedUser())
            .AddPolicy(Policies.Organizer, p => p.RequireAuthenticatedUser().RequireRole(Roles.Organizer).AddRequirements(new MultiFactorRequirement()))
            .AddPolicy(Policies.Scanner, p => p.RequireAuthenticatedUser().RequireRole(Roles.Scanner))
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin).AddRequirements(new MultiFactorRequirement()));
        return services;
    }

    /// <summary>Schema version 3 adds the passkeys table; the design-time factories use the same setting.</summary>
    internal static void ConfigureStores(IdentityOptions options) => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;

    /// <summary>The authentication middleware, with OpenIddict asked only on its own paths (<see cref="OidcRequests"/>).</summary>
    public static IApplicationBuilder UseIdentityAuthentication(this IApplicationBuilder app) => app.UseAuthenticationWithOidc();

    public static IEndpointRouteBuilder MapIdentityModule(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/identity").WithTags("Identity");
        // The framework's register, login, refresh, confirm, reset and manage endpoints. manage/*
        // already requires a signed-in user; the rest are marked anonymous explicitly. This runs
        // after every other convention, so it sees the framework's own authorization metadata.
        api.MapIdentityApi<EncoreUser>().AddEndpointFilter(ApiLoginThrottle.FilterAsync).Finally(endpoint =>
        {
            if (!endpoint.Metadata.OfType<IAuthorizeData>().Any())
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
        });
        api.MapGet("/me", Me).RequireAuthorization(Policies.SignedIn);
        api.MapPost("/logout", Logout).RequireAuthorization(Policies.SignedIn);
        endpoints.MapOidcServer();
        endpoints.MapExternalLogin();
        endpoints.MapPasskeyEndpoints();
        endpoints.MapRisk();
        return endpoints;
    }

    static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    public sealed record MeResponse(Guid Id, string Email, string DisplayName, bool EmailConfirmed, IReadOnlyList<string> Roles);

    static async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Ok<MeResponse>, Microsoft.AspNetCore.Http.HttpResults.UnauthorizedHttpResult>> Me(
        ClaimsPrincipal principal, UserManager<EncoreUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null) return TypedResults.Unauthorized();
        var roles = await users.GetRolesAsync(user);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email ?? "", user.DisplayName, user.EmailConfirmed, [Roles.Buyer, .. roles.Where(r => r != Roles.Buyer)]));
    }

    static async Task<Microsoft.AspNetCore.Http.HttpResults.NoContent> Logout(SignInManager<EncoreUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }
}
