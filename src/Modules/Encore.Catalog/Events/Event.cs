using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Encore.BuildingBlocks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Encore.Catalog.Events;

/// <summary>What the organizer decided; the status a buyer sees is computed from this and the clock.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StoredEventStatus>))]
internal enum StoredEventStatus
{
    [JsonStringEnumMemberName("draft")] Draft = 0,
    [JsonStringEnumMemberName("published")] Published = 1,
    [JsonStringEnumMemberName("cancelled")] Cancelled = 2,
}

[JsonConverter(typeof(JsonStringEnumConverter<EventStatus>))]
public enum EventStatus
{
    [JsonStringEnumMemberName("draft")] Draft,
    [JsonStringEnumMemberName("published")] Published,
    [JsonStringEnumMemberName("onSale")] OnSale,
    [JsonStringEnumMemberName("soldOut")] SoldOut,
    [JsonStringEnumMemberName("past")] Past,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

[JsonConverter(typeof(JsonStringEnumConverter<OnSaleKind>))]
internal enum OnSaleKind
{
    [JsonStringEnumMemberName("presale")] Presale = 0,
    [JsonStringEnumMemberName("general")] General = 1,
}

/// <summary>
/// An event and everything an organizer edits with it. The aggregate root: every change goes
/// through it so the concurrency token moves and the lifecycle rules hold.
/// </summary>
internal sealed class Event
{
    public const int TitleMax = 200;
    public const int DescriptionMax = 8000;

    readonly List<Performance> performances = [];
    readonly List<TicketTier> tiers = [];
    readonly List<OnSaleWindow> windows = [];

    public Guid Id { get; private set; }
    public Guid OrganizerId { get; private set; }
    public Guid VenueId { get; private set; }
    public string Title { get; private set; } = "";
    public string Slug { get; private set; } = "";
    public string Description { get; private set; } = "";
    public string Genre { get; private set; } = "";
    public string? ImageUrl { get; private set; }
    public StoredEventStatus Status { get; private set; }
    public bool SoldOut { get; private set; }
    public string? CancellationReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }
    /// <summary>Changes on every edit of the aggregate; a stale client's save affects no row and answers 409.</summary>
    public Guid Version { get; private set; }

    public IReadOnlyList<Performance> Performances => performances;
    public IReadOnlyList<TicketTier> Tiers => tiers;
    public IReadOnlyList<OnSaleWindow> Windows => windows;

    Event() { }

    public static Event Draft(Guid organizerId, Guid venueId, EventDetails details, string slug, DateTimeOffset now)
    {
        var ev = new Event
        {
            Id = Ids.New(),
            OrganizerId = organizerId,
            VenueId = venueId,
            Slug = slug,
            Status = StoredEventStatus.Draft,
            CreatedAt = now,
        };
        ev.Apply(details, now);
        return ev;
    }

    public ProblemHttpResult? Edit(EventDetails details, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        Apply(details, now);
        return null;
    }

    void Apply(EventDetails details, DateTimeOffset now)
    {
        Title = details.Title;
        Description = details.Description;
        Genre = details.Genre;
        ImageUrl = details.ImageUrl;
        Touch(now);
    }

    void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version = Guid.NewGuid();
    }

    /// <summary>The status a buyer sees at <paramref name="now"/>: a pure function of what was decided and the clock.</summary>
    public EventStatus EffectiveStatus(DateTimeOffset now) =>
        ComputeStatus(Status, SoldOut, performances.Select(p => p.EndsAtUtc), windows.Select(w => (w.StartsAt, w.EndsAt)), now);

    public static EventStatus ComputeStatus(
        StoredEventStatus stored, bool soldOut, IEnumerable<DateTimeOffset> performanceEnds,
        IEnumerable<(DateTimeOffset Starts, DateTimeOffset Ends)> windows, DateTimeOffset now)
    {
        if (stored == StoredEventStatus.Cancelled) return EventStatus.Cancelled;
        if (stored == StoredEventStatus.Draft) return EventStatus.Draft;
        var ends = performanceEnds.ToList();
        if (ends.Count > 0 && ends.All(end => end <= now)) return EventStatus.Past;
        if (soldOut) return EventStatus.SoldOut;
        return windows.Any(w => w.Starts <= now && now < w.Ends) ? EventStatus.OnSale : EventStatus.Published;
    }

    public bool IsOver(DateTimeOffset now) => performances.Count > 0 && performances.All(p => p.EndsAtUtc <= now);

    ProblemHttpResult? NotEditable(DateTimeOffset now)
    {
        if (Status == StoredEventStatus.Cancelled)
            return Problem("Event is cancelled", "A cancelled event cannot be changed.");
        if (IsOver(now))
            return Problem("Event is over", "Every performance of this event has ended; it can no longer be changed.");
        return null;
    }

    public ProblemHttpResult? Publish(DateTimeOffset now)
    {
        if (Status == StoredEventStatus.Published) return Problem("Event is already published", "Only a draft can be published.");
        if (Status == StoredEventStatus.Cancelled) return Problem("Event is cancelled", "A cancelled event cannot be published.");
        var missing = new List<string>();
        if (!performances.Any(p => p.StartsAtUtc > now)) missing.Add("at least one performance in the future");
        if (tiers.Count == 0) missing.Add("at least one ticket tier");
        if (!windows.Any(w => w.Kind == OnSaleKind.General)) missing.Add("a general on-sale window");
        if (missing.Count > 0)
            return Problem("Event is not ready to publish", "Publishing needs " + string.Join(", ", missing) + ".");
        Status = StoredEventStatus.Published;
        PublishedAt = now;
        Touch(now);
        return null;
    }

    public ProblemHttpResult? Cancel(string reason, DateTimeOffset now)
    {
        if (Status == StoredEventStatus.Cancelled) return Problem("Event is already cancelled", "This event was cancelled before.");
        if (IsOver(now)) return Problem("Event is over", "An event whose performances have all ended cannot be cancelled.");
        Status = StoredEventStatus.Cancelled;
        CancellationReason = reason;
        Touch(now);
        return null;
    }

    public ProblemHttpResult? MarkSoldOut(bool soldOut, DateTimeOffset now)
    {
        if (Status != StoredEventStatus.Published) return Problem("Event is not published", "Only a published event can be marked sold out.");
        if (NotEditable(now) is { } problem) return problem;
        SoldOut = soldOut;
        Touch(now);
        return null;
    }

    public ProblemHttpResult? AddPerformance(Performance performance, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        if (performances.Count >= 100) return Problem("Too many performances", "An event has at most 100 performances.");
        performances.Add(performance);
        Touch(now);
        return null;
    }

    public ProblemHttpResult? ReplacePerformance(Guid performanceId, PerformanceTimes times, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        var performance = performances.Single(p => p.Id == performanceId);
        performance.Reschedule(times);
        if (Status == StoredEventStatus.Published && !performances.Any(p => p.StartsAtUtc > now))
            return Problem("Event needs a future performance", "A published event keeps at least one performance in the future.");
        Touch(now);
        return null;
    }

    public ProblemHttpResult? RemovePerformance(Guid performanceId, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        var performance = performances.Single(p => p.Id == performanceId);
        if (Status == StoredEventStatus.Published && !performances.Any(p => p != performance && p.StartsAtUtc > now))
            return Problem("Event needs a future performance", "This is the last future performance of a published event; cancel the event instead.");
        performances.Remove(performance);
        Touch(now);
        return null;
    }

    public ProblemHttpResult? AddTier(TicketTier tier, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        if (tiers.Count >= 50) return Problem("Too many tiers", "An event has at most 50 ticket tiers.");
        if (tiers.Any(t => string.Equals(t.Name, tier.Name, StringComparison.OrdinalIgnoreCase)))
            return Problem("Tier name taken", $"This event already has a tier named '{tier.Name}'.");
        tiers.Add(tier);
        Touch(now);
        return null;
    }

    public ProblemHttpResult? ReplaceTier(Guid tierId, TierTerms terms, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        if (tiers.Any(t => t.Id != tierId && string.Equals(t.Name, terms.Name, StringComparison.OrdinalIgnoreCase)))
            return Problem("Tier name taken", $"This event already has a tier named '{terms.Name}'.");
        tiers.Single(t => t.Id == tierId).Change(terms);
        Touch(now);
        return null;
    }

    public ProblemHttpResult? RemoveTier(Guid tierId, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        if (Status == StoredEventStatus.Published && tiers.Count == 1)
            return Problem("Event needs a tier", "This is the last ticket tier of a published event.");
        tiers.Remove(tiers.Single(t => t.Id == tierId));
        Touch(now);
        return null;
    }

    public ProblemHttpResult? AddWindow(OnSaleWindow window, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        if (windows.Count >= 20) return Problem("Too many on-sale windows", "An event has at most 20 on-sale windows.");
        windows.Add(window);
        Touch(now);
        return null;
    }

    public ProblemHttpResult? ReplaceWindow(Guid windowId, WindowTerms terms, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        var window = windows.Single(w => w.Id == windowId);
        if (Status == StoredEventStatus.Published && window.Kind == OnSaleKind.General && terms.Kind != OnSaleKind.General
            && !windows.Any(w => w != window && w.Kind == OnSaleKind.General))
            return Problem("Event needs a general on-sale window", "This is the last general on-sale window of a published event.");
        window.Change(terms);
        Touch(now);
        return null;
    }

    public ProblemHttpResult? RemoveWindow(Guid windowId, DateTimeOffset now)
    {
        if (NotEditable(now) is { } problem) return problem;
        var window = windows.Single(w => w.Id == windowId);
        if (Status == StoredEventStatus.Published && window.Kind == OnSaleKind.General && !windows.Any(w => w != window && w.Kind == OnSaleKind.General))
            return Problem("Event needs a general on-sale window", "This is the last general on-sale window of a published event.");
        windows.Remove(window);
        Touch(now);
        return null;
    }

    static ProblemHttpResult Problem(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);
}

internal sealed record EventDetails(string Title, string Description, string Genre, string? ImageUrl);

/// <summary>A performance's times: local wall-clock in the venue's zone, and the instants they denote.</summary>
internal sealed record PerformanceTimes(DateTime StartsAtLocal, DateTime DoorsAtLocal, string TimeZone, int DurationMinutes)
{
    /// <summary>Null when the local time does not exist in the zone (the hour skipped when clocks go forward).</summary>
    public (DateTimeOffset Starts, DateTimeOffset Doors, DateTimeOffset Ends)? ToUtc()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var starts = DateTime.SpecifyKind(StartsAtLocal, DateTimeKind.Unspecified);
        var doors = DateTime.SpecifyKind(DoorsAtLocal, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(starts) || zone.IsInvalidTime(doors)) return null;
        var startsUtc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(starts, zone), TimeSpan.Zero);
        var doorsUtc = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(doors, zone), TimeSpan.Zero);
        return (startsUtc, doorsUtc, startsUtc.AddMinutes(DurationMinutes));
    }
}

internal sealed class Performance
{
    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public DateTime StartsAtLocal { get; private set; }
    public DateTime DoorsAtLocal { get; private set; }
    public string TimeZone { get; private set; } = "";
    public int DurationMinutes { get; private set; }
    public DateTimeOffset StartsAtUtc { get; private set; }
    public DateTimeOffset DoorsAtUtc { get; private set; }
    public DateTimeOffset EndsAtUtc { get; private set; }

    Performance() { }

    /// <summary>Null when the times do not exist in the venue's zone; validate first.</summary>
    public static Performance? Schedule(Guid eventId, PerformanceTimes times)
    {
        var performance = new Performance { Id = Ids.New(), EventId = eventId };
        return performance.Reschedule(times) ? performance : null;
    }

    public bool Reschedule(PerformanceTimes times)
    {
        if (times.ToUtc() is not { } utc) return false;
        StartsAtLocal = DateTime.SpecifyKind(times.StartsAtLocal, DateTimeKind.Unspecified);
        DoorsAtLocal = DateTime.SpecifyKind(times.DoorsAtLocal, DateTimeKind.Unspecified);
        TimeZone = times.TimeZone;
        DurationMinutes = times.DurationMinutes;
        (StartsAtUtc, DoorsAtUtc, EndsAtUtc) = utc;
        return true;
    }
}

/// <summary>What a tier sells: either named sections or every section of a price zone.</summary>
internal sealed record TierTerms(string Name, Money Price, IReadOnlyList<string> SectionCodes, string? PriceZone, int MinPerOrder, int MaxPerOrder);

internal sealed class TicketTier
{
    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public string Name { get; private set; } = "";
    public long PriceMinor { get; private set; }
    public string Currency { get; private set; } = "";
    /// <summary>Comma-separated section codes; empty when the tier covers a price zone.</summary>
    public string SectionCodes { get; private set; } = "";
    public string? PriceZone { get; private set; }
    public int MinPerOrder { get; private set; }
    public int MaxPerOrder { get; private set; }

    public Money Price => new(PriceMinor, Currency);
    public IReadOnlyList<string> Sections => SectionCodes.Length == 0 ? [] : SectionCodes.Split(',');

    TicketTier() { }

    public static TicketTier For(Guid eventId, TierTerms terms)
    {
        var tier = new TicketTier { Id = Ids.New(), EventId = eventId };
        tier.Change(terms);
        return tier;
    }

    public void Change(TierTerms terms)
    {
        Name = terms.Name;
        PriceMinor = terms.Price.Minor;
        Currency = terms.Price.Currency;
        SectionCodes = string.Join(',', terms.SectionCodes);
        PriceZone = terms.PriceZone;
        MinPerOrder = terms.MinPerOrder;
        MaxPerOrder = terms.MaxPerOrder;
    }
}

internal sealed record WindowTerms(OnSaleKind Kind, string Name, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? AccessCode);

internal sealed class OnSaleWindow
{
    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public OnSaleKind Kind { get; private set; }
    public string Name { get; private set; } = "";
    public DateTimeOffset StartsAt { get; private set; }
    public DateTimeOffset EndsAt { get; private set; }
    /// <summary>SHA-256 of the presale access code; the code itself is never stored.</summary>
    public byte[]? AccessCodeHash { get; private set; }

    public bool HasAccessCode => AccessCodeHash is not null;

    OnSaleWindow() { }

    public static OnSaleWindow For(Guid eventId, WindowTerms terms)
    {
        var window = new OnSaleWindow { Id = Ids.New(), EventId = eventId };
        window.Change(terms);
        return window;
    }

    public void Change(WindowTerms terms)
    {
        Kind = terms.Kind;
        Name = terms.Name;
        StartsAt = terms.StartsAt.ToUniversalTime();
        EndsAt = terms.EndsAt.ToUniversalTime();
        // An edit that sends no code keeps the old one; a general sale has none.
        if (terms.Kind == OnSaleKind.General) AccessCodeHash = null;
        else if (terms.AccessCode is { Length: > 0 } code) AccessCodeHash = Hash(code);
    }

    public bool IsOpen(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    /// <summary>Constant-time comparison, so response timing says nothing about how much of a guess matched.</summary>
    public bool Accepts(string code) =>
        AccessCodeHash is null || CryptographicOperations.FixedTimeEquals(AccessCodeHash, Hash(code));

    // Codes are read out to fans and typed on phones, so case and surrounding spaces do not count.
    static byte[] Hash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant()));
}
