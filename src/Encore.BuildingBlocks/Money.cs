using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Encore.BuildingBlocks;

/// <summary>
/// An amount in integer minor units (cents, pence) of one ISO 4217 currency. Never a float:
/// every price, fee and tax is exact, and arithmetic across currencies is refused.
/// </summary>
[JsonConverter(typeof(MoneyJsonConverter))]
public readonly record struct Money
{
    public long Minor { get; }
    public string Currency { get; }

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

/// <summary>
/// Reads Money as <c>{"minor": 4500, "currency": "EUR"}</c>. A bad amount or currency in a request
/// body is the client's mistake: it surfaces as a JsonException, which the API answers with 400,
/// where the constructor's ArgumentException would have been a 500.
/// </summary>
internal sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("An amount is an object with 'minor' (integer minor units) and 'currency' (ISO 4217 code).");
        long? minor = null;
        string? currency = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (string.Equals(name, "minor", StringComparison.OrdinalIgnoreCase))
                minor = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var m)
                    ? m
                    : throw new JsonException("'minor' must be an integer number of minor units.");
            else if (string.Equals(name, "currency", StringComparison.OrdinalIgnoreCase))
                currency = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw new JsonException("'currency' must be an ISO 4217 code such as \"EUR\".");
            else
                reader.Skip();
        }
        if (minor is null || currency is null)
            throw new JsonException("An amount needs both 'minor' and 'currency'.");
        if (!Money.IsCurrencyCode(currency))
            throw new JsonException($"'{currency}' is not an ISO 4217 currency code.");
        return new Money(minor.Value, currency);
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber(options.PropertyNamingPolicy?.ConvertName(nameof(Money.Minor)) ?? nameof(Money.Minor), value.Minor);
        writer.WriteString(options.PropertyNamingPolicy?.ConvertName(nameof(Money.Currency)) ?? nameof(Money.Currency), value.Currency);
        writer.WriteEndObject();
    }
}
