using System.Security.Claims;
using Encore.BuildingBlocks.Http;
using Encore.Catalog.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Organizers;

internal static class Membership
{
    /// <summary>
    /// The organizer a new venue belongs to: the one asked for if the user works for it, else the
    /// user's only organizer. Someone else's organizer id answers as if it did not exist.
    /// </summary>
    public static async Task<(Guid? OrganizerId, ProblemHttpResult? Problem)> OrganizerForAsync(
        CatalogDbContext db, ClaimsPrincipal user, Guid? requested, CancellationToken ct)
    {
        if (CurrentUser.Id(user) is not { } userId)
            return (null, TypedResults.Problem(title: "Not signed in", statusCode: StatusCodes.Status401Unauthorized));
        var organizers = await db.OrganizerMembers.AsNoTracking().Where(m => m.UserId == userId).Select(m => m.OrganizerId).ToListAsync(ct);
        if (requested is { } id)
            return organizers.Contains(id) ? (id, null) : (null, Problems.NotFound($"No organizer {id}."));
        return organizers.Count switch
        {
            1 => (organizers[0], null),
            0 => (null, TypedResults.Problem(title: "Not a member of an organizer",
                detail: "An administrator must add your account to an organizer organization first.", statusCode: StatusCodes.Status403Forbidden)),
            _ => (null, TypedResults.Problem(title: "Organizer required",
                detail: "You work for several organizers; say which with the organizerId query parameter.", statusCode: StatusCodes.Status400BadRequest)),
        };
    }

    public static Guid UserId(ClaimsPrincipal user) => CurrentUser.Id(user) ?? Guid.Empty;
}
