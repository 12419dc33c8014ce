namespace Encore.Tickets.Model;

internal enum TicketStatus { Valid = 0, Voided = 1 }

/// <summary>
/// One admission's ticket. It admits once: check-in is a conditional UPDATE on these columns
/// (<see cref="Scanning.CheckIn"/>), never a read-then-write, so its setters stay private except
/// where the entity itself changes state.
/// </summary>
internal sealed class Ticket
{
    public const int MaxGeneration = ushort.MaxValue;

    public Guid Id { get; private set; }
    public Guid AdmissionId { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid HolderId { get; private set; }
    public string HolderName { get; private set; } = "";
    public Guid EventId { get; private set; }
    public Guid PerformanceId { get; private set; }
    public Guid OrganizerId { get; private set; }
    public Guid? SeatId { get; private set; }
    public string SectionCode { get; private set; } = "";
    public string? RowLabel { get; private set; }
    public string? SeatLabel { get; private set; }
    public Guid TierId { get; private set; }
    public string TierName { get; private set; } = "";
    public long FaceValue { get; private set; }
    public string Currency { get; private set; } = "";
    /// <summary>Bumped by every reissue (transfer, resale): codes of an older generation stop admitting.</summary>
    public int Generation { get; private set; }
    public TicketStatus Status { get; private set; }
    public DateTimeOffset IssuedAt { get; private set; }
    public DateTimeOffset? VoidedAt { get; private set; }
    public DateTimeOffset? CheckedInAt { get; private set; }
    public string? CheckedInGate { get; private set; }
    public bool CheckedInOffline { get; private set; }

    Ticket() { }

    public static Ticket Issue(Contracts.Orders.OrderPaid order, Contracts.Orders.PaidAdmission admission, DateTimeOffset now) => new()
    {
        Id = Encore.BuildingBlocks.Ids.New(),
        AdmissionId = admission.AdmissionId,
        OrderId = order.OrderId,
        HolderId = order.BuyerId,
        HolderName = Clip(order.BuyerName, 200),
        EventId = order.EventId,
        PerformanceId = order.PerformanceId,
        OrganizerId = order.OrganizerId,
        SeatId = admission.SeatId,
        SectionCode = Clip(admission.SectionCode, 40),
        RowLabel = admission.RowLabel is { } row ? Clip(row, 20) : null,
        SeatLabel = admission.SeatLabel is { } seat ? Clip(seat, 20) : null,
        TierId = admission.TierId,
        TierName = Clip(admission.TierName, 200),
        FaceValue = admission.FaceValue,
        Currency = Clip(order.Currency, 3),
        Generation = 1,
        Status = TicketStatus.Valid,
        IssuedAt = now,
    };

    public bool IsStanding => SeatId is null;

    /// <summary>Where the holder goes, in words: "Stalls, row B, seat 4" or "Standing (FLOOR)".</summary>
    public string Place => SeatId is null
        ? $"{TierName} (standing, {SectionCode})"
        : $"{SectionCode}, row {RowLabel}, seat {SeatLabel}";

    static string Clip(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>A performance as Tickets needs it at the gate and on the ticket, copied from the catalog's schedule.</summary>
internal sealed class TicketPerformance
{
    public Guid PerformanceId { get; set; }
    public Guid EventId { get; set; }
    public Guid OrganizerId { get; set; }
    public string EventTitle { get; set; } = "";
    public string VenueName { get; set; } = "";
    public string VenueCity { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public DateTimeOffset DoorsAt { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public DateTimeOffset RefreshedAt { get; set; }
}

/// <summary>An event's ticketing: whether codes must rotate, and the secret every ticket's display secret derives from.</summary>
internal sealed class EventTicketing
{
    public Guid EventId { get; set; }
    public Guid OrganizerId { get; set; }
    public bool RequireRotatingCodes { get; set; }
    /// <summary>32 random bytes, protected with ASP.NET Core Data Protection.</summary>
    public string DisplaySecretProtected { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One ECDSA P-256 key pair of an event. The newest unretired key signs; every unretired key verifies.</summary>
internal sealed class SigningKey
{
    /// <summary>The 32-bit key id carried in every code (kid in the JWKS: 8 hex digits).</summary>
    public int KeyId { get; set; }
    public Guid EventId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
    /// <summary>The public point, X then Y (32 bytes each).</summary>
    public byte[] PublicKey { get; set; } = [];
    /// <summary>PKCS#8, protected with ASP.NET Core Data Protection.</summary>
    public string PrivateKeyProtected { get; set; } = "";
}

/// <summary>A gate device an organizer registered for one event; its OIDC client id is <c>scanner-{Id:N}</c>.</summary>
internal sealed class ScannerDevice
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public Guid OrganizerId { get; set; }
    public string Name { get; set; } = "";
    public string ClientId { get; set; } = "";
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>The creating request's Idempotency-Key and body hash, so a retry answers the same device.</summary>
    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }
    /// <summary>The secret, protected, kept 24 hours for an idempotent replay of the creating request, then cleared.</summary>
    public string? ReplaySecretProtected { get; set; }
}

/// <summary>One offline check-in a scanner synced, with the verdict it got (a re-sync answers the same).</summary>
internal sealed class OfflineCheckIn
{
    public string Scanner { get; set; } = "";
    public string ClientScanId { get; set; } = "";
    public Guid EventId { get; set; }
    public Guid? TicketId { get; set; }
    public string Gate { get; set; } = "";
    public DateTimeOffset ScannedAt { get; set; }
    public DateTimeOffset SyncedAt { get; set; }
    public string Outcome { get; set; } = "";
    /// <summary>Why an invalid code was refused, as the gate would have been told.</summary>
    public string? Detail { get; set; }
    public DateTimeOffset? FirstCheckedInAt { get; set; }
    public string? FirstGate { get; set; }
}
