using System.Globalization;
using Encore.BuildingBlocks;
using Encore.Catalog.Events;

namespace Encore.Web.Components.Shared;

/// <summary>How pages write dates, prices and statuses, so every page says them the same way.</summary>
internal static class Display
{
    static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>A performance's time as the venue's clock shows it, which is what a ticket holder needs.</summary>
    public static string LocalDateTime(DateTime local) => local.ToString("ddd d MMM yyyy, HH:mm", Culture);

    public static string LocalDate(DateTime local) => local.ToString("ddd d MMM yyyy", Culture);

    public static string LocalTime(DateTime local) => local.ToString("HH:mm", Culture);

    public static string Month(DateTime local) => local.ToString("MMM", Culture);

    public static string Day(DateTime local) => local.Day.ToString(Culture);

    public static string Weekday(DateTime local) => local.ToString("ddd", Culture);

    public static string Instant(DateTimeOffset instant, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        return LocalDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string Price(Money money) => money.Format(Culture);

    public static string StatusText(EventStatus status) => status switch
    {
        EventStatus.Draft => "Draft",
        EventStatus.Published => "Coming soon",
        EventStatus.OnSale => "On sale",
        EventStatus.SoldOut => "Sold out",
        EventStatus.Past => "Past",
        EventStatus.Cancelled => "Cancelled",
        _ => status.ToString(),
    };

    public static string StatusClass(EventStatus status) => status switch
    {
        EventStatus.Draft => "pill pill-draft",
        EventStatus.Published => "pill pill-presale",
        EventStatus.OnSale => "pill pill-on-sale",
        EventStatus.SoldOut => "pill pill-sold-out",
        EventStatus.Past => "pill pill-past",
        EventStatus.Cancelled => "pill pill-cancelled",
        _ => "pill pill-neutral",
    };

    public static string Genre(string genre) => genre.Length == 0 ? genre : char.ToUpperInvariant(genre[0]) + genre[1..];
}
