using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Encore.BuildingBlocks.Http;

/// <summary>Problem details for expected failures; handlers return these as typed results.</summary>
public static class Problems
{
    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors);

    /// <summary>A browser navigating to a page (it accepts HTML), as opposed to an API client.</summary>
    public static bool WantsPage(HttpContext http) =>
        !http.Request.Path.StartsWithSegments("/api")
        && http.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
}

/// <summary>
/// Turns what escapes a handler into problem+json: a malformed request keeps its 4xx status, an
/// outage of a store is a 503 with Retry-After, anything else is a 500 with a correlation id and
/// never a stack trace.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // A browser asking for a page gets the host's error page (the exception handler's path), not JSON.
        if (Problems.WantsPage(http)) return false;
        var (status, title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException => (StatusCodes.Status400BadRequest, "Invalid form token"),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "Client closed request"),
            _ when Outages.Caused(exception) => (StatusCodes.Status503ServiceUnavailable, "Service unavailable"),
            _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side"),
        };
        // An outage is logged once per request like any failure, but as a warning: the store's own
        // health check (/readyz) is what operators alert on, and a restart must not page them per request.
        // The request's own path: by now the exception handler has pointed the request at its error page.
        var path = http.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? http.Request.Path.Value;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning(exception, "A store was unavailable for {Path}; answered 503", path);
            http.Response.Headers.RetryAfter = Outages.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (status >= 500) logger.LogError(exception, "Unhandled exception for {Path}", path);

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = status switch
                {
                    < 500 => exception.Message,
                    StatusCodes.Status503ServiceUnavailable => "A service this request needs is unavailable for a moment. Try again after the Retry-After delay; "
                        + "with the same Idempotency-Key, a request that did go through is not repeated.",
                    _ => "The error has been logged; quote the trace id if you contact us.",
                },
            },
        });
    }
}
