namespace Encore.Web.Components.Pages.Organizer;

/// <summary>The fields an organizer types for an event, bound from the posted form.</summary>
public sealed class EventDetailsForm
{
    public Guid VenueId { get; set; }
    public string? Title { get; set; }
    public string? Genre { get; set; }
    public string? Description { get; set; }
    public Guid Version { get; set; }
}
