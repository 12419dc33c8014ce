using Microsoft.EntityFrameworkCore;

namespace Encore.Identity.Risk;

/// <summary>An account an admin flagged (shadow-banned): it may wait in queues but never holds tickets.</summary>
internal sealed class AccountFlag
{
    public const int ReasonMax = 500;

    public Guid UserId { get; init; }
    public string Reason { get; set; } = "";
    public Guid FlaggedBy { get; set; }
    public DateTimeOffset FlaggedAt { get; set; }

    public static void Configure(ModelBuilder builder) => builder.Entity<AccountFlag>(f =>
    {
        f.ToTable("AccountFlags");
        f.HasKey(x => x.UserId);
        f.HasOne<EncoreUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        f.Property(x => x.Reason).HasMaxLength(ReasonMax);
        f.HasIndex(x => x.FlaggedAt);
    });
}

/// <summary>A random secret every instance shares (the proof-of-work HMAC key), sealed by Data Protection at rest.</summary>
internal sealed class SharedSecret
{
    public string Name { get; init; } = "";
    public string Protected { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    public static void Configure(ModelBuilder builder) => builder.Entity<SharedSecret>(s =>
    {
        s.ToTable("SharedSecrets");
        s.HasKey(x => x.Name);
        s.Property(x => x.Name).HasMaxLength(100);
        s.Property(x => x.Protected).HasMaxLength(2000);
    });
}
