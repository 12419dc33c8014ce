using System.Globalization;
using System.Text.Json.Serialization;

namespace Encore.BuildingBlocks;

/// <summary>
/// An amount in integer minor units (cents, pence) of one ISO 4217 currency. Never a float:
/// every price, fee and tax is exact, and arithmetic across currencies is refused.
/// </summary>
public readonly record struct Money
{
    public long Minor { get; }
    public string Currency { get; }

    [JsonConstructor]
    public Money(long minor, string currency)
    {
        if (!IsCurrencyCode(currency))
            throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code.", nameof(currency));
        Minor = minor;
        Currency = currency;
    }

    public static Money Zero(string currency) => new(0, currency);

    public static bool IsCurrencyCode(string? code) =>
        code is { Length: 3 } && code.All(c => c is >= 'A' and <= 'Z');

    /// <summary>How many minor units make one major unit; zero-decimal currencies per ISO 4217.</summary>
    public static int MinorDigits(string currency) => currency switch
    {
        "JPY" or "KRW" or "ISK" or "CLP" or "VND" or "XAF" or "XOF" or "PYG" or "UGX" => 0,
        "BHD" or "KWD" or "OMR" or "JOD" or "TND" => 3,
        _ => 2,
    };

    public static Money operator +(Money a, Money b) => new(checked(a.Minor + b.SameCurrencyAs(a).Minor), a.Currency);
    public static Money operator -(Money a, Money b) => new(checked(a.Minor - b.SameCurrencyAs(a).Minor), a.Currency);
    public static Money operator *(Money a, int quantity) => new(checked(a.Minor * quantity), a.Currency);
    public static bool operator <(Money a, Money b) => a.Minor < b.SameCurrencyAs(a).Minor;
    public static bool operator >(Money a, Money b) => a.Minor > b.SameCurrencyAs(a).Minor;
    public static bool operator <=(Money a, Money b) => a.Minor <= b.SameCurrencyAs(a).Minor;
    public static bool operator >=(Money a, Money b) => a.Minor >= b.SameCurrencyAs(a).Minor;

    Money SameCurrencyAs(Money other) =>
        other.Currency == Currency
            ? this
            : throw new InvalidOperationException($"Cannot combine {Currency} with {other.Currency}.");

    /// <summary>Invariant display such as "EUR 45.00"; pages format with the buyer's culture.</summary>
    public override string ToString()
    {
        var digits = MinorDigits(Currency);
        if (digits == 0) return string.Create(CultureInfo.InvariantCulture, $"{Currency} {Minor}");
        var scale = (decimal)Math.Pow(10, digits);
        return string.Create(CultureInfo.InvariantCulture, $"{Currency} {(Minor / scale).ToString("F" + digits, CultureInfo.InvariantCulture)}");
    }

    public string Format(IFormatProvider? culture = null)
    {
        var digits = MinorDigits(Currency);
        var amount = Minor / (decimal)Math.Pow(10, digits);
        var format = (NumberFormatInfo)NumberFormatInfo.GetInstance(culture ?? CultureInfo.GetCultureInfo("en-GB")).Clone();
        format.CurrencySymbol = Symbol(Currency);
        format.CurrencyDecimalDigits = digits;
        return amount.ToString("C", format);
    }

    static string Symbol(string currency) => currency switch
    {
        "EUR" => "€", "GBP" => "£", "USD" => "$", "JPY" => "¥", "CHF" => "CHF ", _ => currency + " ",
    };
}
