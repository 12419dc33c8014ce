using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Encore.Identity.Throttling;

/// <summary>The framework's /api/identity/login, behind the same throttle as the sign-in page.</summary>
internal static class ApiLoginThrottle
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.Arguments.OfType<LoginRequest>().FirstOrDefault() is not { } login) return await next(context);
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        var throttling = http.RequestServices.GetRequiredService<LoginThrottling>();
        var address = http.Connection.RemoteIpAddress;

        var wait = await throttling.RetryAfterAsync(login.Email, address, ct);
        if (wait > TimeSpan.Zero) return TooMany(http, wait);

        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        // The framework answers 401 with the sign-in result as the detail: "Failed" is a wrong
        // password or an unknown address; locked-out, unconfirmed and 2FA-pending ones are not guesses.
        if (inner is ProblemHttpResult { StatusCode: StatusCodes.Status401Unauthorized } problem && problem.ProblemDetails.Detail == SignInResult.Failed.ToString())
        {
            var user = await http.RequestServices.GetRequiredService<UserManager<EncoreUser>>().FindByEmailAsync(login.Email);
            await throttling.RecordFailureAsync(login.Email, address, user, ct);
        }
        else if (inner is not ProblemHttpResult)
            await throttling.RecordSuccessAsync(login.Email, ct);
        return result;
    }

    static ProblemHttpResult TooMany(HttpContext http, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            title: "Too many failed sign-ins",
            detail: $"Sign-in for this account or address is paused after repeated wrong passwords. Try again in {seconds} seconds.",
            statusCode: StatusCodes.Status429TooManyRequests);
    }
}
