using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Http;
using Encore.Catalog.Http;
using Encore.Catalog.Venues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Encore.Catalog.Organizers;

/// <summary>Platform operators create organizer organizations and say who works for them.</summary>
internal static class AdminOrganizers
{
    internal sealed record CreateOrganizerRequest(string? Name, string? Slug);

    internal sealed record OrganizerResponse(Guid Id, string Name, string Slug, IReadOnlyList<Guid> MemberUserIds);

    internal sealed record AddMemberRequest(Guid UserId);

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/", Create).Idempotent()
            .WithSummary("Create an organizer organization").WithDescription("The slug is derived from the name when omitted; slugs are unique.");
        admin.MapGet("/", List).WithSummary("List organizer organizations with their members");
        admin.MapPost("/{organizerId:guid}/members", AddMember)
            .WithSummary("Add an Identity user to an organizer").WithDescription("The user also needs the organizer role to use the organizer API.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    static async Task<Results<Created<OrganizerResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateOrganizerRequest request, CatalogDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Errors();
        errors.Text("name", request.Name, 200, "Name");
        var slug = Slugs.From(request.Slug ?? request.Name ?? "");
        if (slug.Length == 0) errors.Add("slug", "A slug needs at least one letter or digit.");
        if (errors.Count > 0) return Problems.Invalid(errors.ToDictionary());
        if (await db.Organizers.AnyAsync(o => o.Slug == slug, ct))
            return Problems.Conflict("Slug taken", $"An organizer with the slug '{slug}' exists already.");

        var organizer = new Organizer { Id = Ids.New(), Name = request.Name!.Trim(), Slug = slug, CreatedAt = clock.GetUtcNow() };
        db.Organizers.Add(organizer);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problems.Conflict("Slug taken", $"An organizer with the slug '{slug}' was created at the same moment.");
        }
        return TypedResults.Created($"/api/admin/organizers/{organizer.Id}", new OrganizerResponse(organizer.Id, organizer.Name, organizer.Slug, []));
    }

    static async Task<Ok<List<OrganizerResponse>>> List(CatalogDbContext db, CancellationToken ct)
    {
        var organizers = await db.Organizers.AsNoTracking().OrderBy(o => o.Name).ToListAsync(ct);
        var members = await db.OrganizerMembers.AsNoTracking().ToListAsync(ct);
        return TypedResults.Ok(organizers
            .Select(o => new OrganizerResponse(o.Id, o.Name, o.Slug, members.Where(m => m.OrganizerId == o.Id).Select(m => m.UserId).ToList()))
            .ToList());
    }

    static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> AddMember(
        Guid organizerId, AddMemberRequest request, CatalogDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (request.UserId == Guid.Empty) return Problems.Invalid("userId", "A user id is required.");
        if (!await db.Organizers.AnyAsync(o => o.Id == organizerId, ct))
            return Problems.NotFound($"No organizer {organizerId}.");
        // Adding someone who is already a member is what the caller wanted: nothing to do.
        if (!await db.OrganizerMembers.AnyAsync(m => m.OrganizerId == organizerId && m.UserId == request.UserId, ct))
        {
            db.OrganizerMembers.Add(new OrganizerMember { OrganizerId = organizerId, UserId = request.UserId, AddedAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }
}
