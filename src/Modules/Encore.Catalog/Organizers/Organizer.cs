namespace Encore.Catalog.Organizers;

/// <summary>An organization that puts on events; its members manage only its venues and events.</summary>
internal sealed class Organizer
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Slug { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An Identity user working for an organizer; the user id is Identity's, never a foreign key across modules.</summary>
internal sealed class OrganizerMember
{
    public Guid OrganizerId { get; init; }
    public Guid UserId { get; init; }
    public DateTimeOffset AddedAt { get; init; }
}
