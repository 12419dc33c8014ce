using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.BuildingBlocks.Outbox;
using Encore.Contracts.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Web.Hosting;

/// <summary>
/// Operators' view of every module's dead letters, and the two ways out of that state. They live in
/// the host because a dead letter may sit in any module's outbox.
/// </summary>
internal static class DeadLetterEndpoints
{
    public const int MaxReasonLength = 500;

    public sealed record DeadLettersResponse(IReadOnlyList<DeadLetter> Messages);

    public sealed record DiscardRequest(string? Reason);

    public sealed record ActionResponse(string Module, Guid Id, string Outcome);

    public static WebApplication MapDeadLetters(this WebApplication app)
    {
        var admin = app.MapGroup("/api/admin/outbox").WithTags("Admin").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapGet("/dead-letters", List)
            .WithName("OutboxDeadLetters")
            .WithSummary("Messages the outbox relay gave up on, in every module, oldest first: last error, attempts, payload, and how many later messages of the same ordering key wait behind each.");
        admin.MapPost("/{module}/{messageId:guid}/retry", Retry)
            .WithName("OutboxRetryDeadLetter")
            .WithSummary("Puts a dead letter back for delivery now with its attempts reset; the messages held back behind it follow in order. A message that is no longer dead-lettered answers 409.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{module}/{messageId:guid}/discard", Discard)
            .WithName("OutboxDiscardDeadLetter")
            .WithSummary("Gives a dead letter up for good, with a reason kept on the message: it is never delivered, and the messages behind it go on without it. A message that is no longer dead-lettered answers 409.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Ok<DeadLettersResponse>> List(DeadLetters deadLetters, CancellationToken ct) =>
        TypedResults.Ok(new DeadLettersResponse(await deadLetters.ListAsync(ct)));

    public static async Task<Results<Ok<ActionResponse>, ProblemHttpResult>> Retry(
        string module, Guid messageId, ClaimsPrincipal user, DeadLetters deadLetters, CancellationToken ct) =>
        Answer(module, messageId, await deadLetters.RetryAsync(module, messageId, OperatorOf(user), ct));

    public static async Task<Results<Ok<ActionResponse>, ProblemHttpResult, ValidationProblem>> Discard(
        string module, Guid messageId, DiscardRequest request, ClaimsPrincipal user, DeadLetters deadLetters, CancellationToken ct)
    {
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length == 0) return Problems.Invalid("reason", "Say why the message is discarded: the note stays on it.");
        if (reason.Length > MaxReasonLength) return Problems.Invalid("reason", $"At most {MaxReasonLength} characters.");
        return Answer(module, messageId, await deadLetters.DiscardAsync(module, messageId, OperatorOf(user), reason, ct)).Result switch
        {
            Ok<ActionResponse> ok => ok,
            var problem => (ProblemHttpResult)problem,
        };
    }

    static Results<Ok<ActionResponse>, ProblemHttpResult> Answer(string module, Guid messageId, DeadLetterAction outcome) => outcome switch
    {
        DeadLetterAction.Retried or DeadLetterAction.Discarded => TypedResults.Ok(new ActionResponse(module, messageId, outcome.ToString())),
        DeadLetterAction.NotDeadLettered => Problems.Conflict("Not dead-lettered",
            $"Message {messageId} is not dead-lettered any more: another operator retried or discarded it, or it was delivered."),
        _ => Problems.NotFound($"No message {messageId} in the outbox of module '{module}'."),
    };

    /// <summary>Who acted, as the note and the log record it: the account's email, else its id.</summary>
    public static string OperatorOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Email) ?? user.FindFirstValue(ClaimTypes.Name) ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "an operator";
}
