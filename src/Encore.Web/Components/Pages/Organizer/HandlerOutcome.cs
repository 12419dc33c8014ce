using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Web.Components.Pages.Organizer;

/// <summary>
/// The organizer console's forms call the same handlers as the organizer API, so both apply the
/// same rules; this reads a handler's typed result back into what a page shows.
/// </summary>
public sealed record HandlerOutcome(bool Succeeded, IReadOnlyDictionary<string, string[]> Errors, string? ProblemTitle, string? ProblemDetail, object? Value)
{
    public static HandlerOutcome From(IResult result) => result switch
    {
        ValidationProblem invalid => new(false, invalid.ProblemDetails.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.OrdinalIgnoreCase), null, null, null),
        ProblemHttpResult problem => new(false, new Dictionary<string, string[]>(), problem.ProblemDetails.Title, problem.ProblemDetails.Detail, null),
        IValueHttpResult value => new(true, new Dictionary<string, string[]>(), null, null, value.Value),
        _ => new(true, new Dictionary<string, string[]>(), null, null, null),
    };

    /// <summary>The messages for one field; API field names are camelCase JSON paths.</summary>
    public IEnumerable<string> For(string field) =>
        Errors.Where(e => e.Key.Equals(field, StringComparison.OrdinalIgnoreCase) || e.Key.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase) || e.Key.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => e.Value);

    public IEnumerable<string> All => Errors.SelectMany(e => e.Value);
}
