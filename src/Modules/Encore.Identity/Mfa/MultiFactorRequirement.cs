using Encore.Contracts.Identity;
using Microsoft.AspNetCore.Authorization;

namespace Encore.Identity.Mfa;

/// <summary>
/// Part of the policies whose holders must have signed in with a second factor (organizer, admin):
/// met by a session with an mfa, hwk or otp method, or when no rule requires a second factor of
/// this account.
/// </summary>
public sealed class MultiFactorRequirement : IAuthorizationRequirement;

internal sealed class MultiFactorHandler(IEnumerable<IMultiFactorRule> rules) : AuthorizationHandler<MultiFactorRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, MultiFactorRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true) return;
        if (context.User.HasSecondFactor())
        {
            context.Succeed(requirement);
            return;
        }
        foreach (var rule in rules)
        {
            if (await rule.ReasonAsync(context.User, CancellationToken.None) is { } reason)
            {
                context.Fail(new MultiFactorFailure(this, reason));
                return;
            }
        }
        context.Succeed(requirement);
    }
}

/// <summary>Why the requirement failed, for the answer the person gets.</summary>
public sealed class MultiFactorFailure(IAuthorizationHandler handler, string reason) : AuthorizationFailureReason(handler, reason);

/// <summary>Organizers and admins act for others (events, money, every account), so a password alone is not enough.</summary>
internal sealed class PrivilegedRoleRule : IMultiFactorRule
{
    public ValueTask<string?> ReasonAsync(System.Security.Claims.ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        ValueTask.FromResult(
            principal.IsInRole(Roles.Admin) ? "Admin accounts must sign in with a second factor."
            : principal.IsInRole(Roles.Organizer) ? "Organizer accounts must sign in with a second factor."
            : null);
}
