using System.Globalization;
using System.Text.Json;
using Encore.BuildingBlocks;

namespace Encore.Tests.BuildingBlocks;

public sealed class MoneyTests
{
    static Money Eur(long minor) => new(minor, "EUR");

    [Fact]
    public void Adds_subtracts_and_multiplies_in_minor_units()
    {
        Assert.Equal(Eur(5750), Eur(4500) + Eur(1250));
        Assert.Equal(Eur(3250), Eur(4500) - Eur(1250));
        Assert.Equal(Eur(-100), Eur(0) - Eur(100));
        Assert.Equal(Eur(13500), Eur(4500) * 3);
        Assert.Equal(Eur(0), Money.Zero("EUR"));
        Assert.True(Eur(1) > Eur(0));
        Assert.True(Eur(1) >= Eur(1));
        Assert.True(Eur(-1) < Eur(0));
        Assert.True(Eur(2) <= Eur(2));
    }

    [Fact]
    public void Refuses_to_combine_currencies()
    {
        var usd = new Money(100, "USD");

        Assert.Throws<InvalidOperationException>(() => Eur(100) + usd);
        Assert.Throws<InvalidOperationException>(() => Eur(100) - usd);
        Assert.Throws<InvalidOperationException>(() => Eur(100) < usd);
        Assert.Throws<InvalidOperationException>(() => Eur(100) >= usd);
        Assert.NotEqual(Eur(100), usd);
    }

    [Fact]
    public void Overflow_throws_instead_of_wrapping()
    {
        Assert.Throws<OverflowException>(() => Eur(long.MaxValue) + Eur(1));
        Assert.Throws<OverflowException>(() => Eur(long.MinValue) - Eur(1));
        Assert.Throws<OverflowException>(() => Eur(long.MaxValue / 2 + 1) * 2);
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("EURO")]
    [InlineData("EU")]
    [InlineData("")]
    [InlineData("E1R")]
    [InlineData(null)]
    public void Rejects_what_is_not_an_ISO_4217_code(string? code)
    {
        Assert.False(Money.IsCurrencyCode(code));
        Assert.Throws<ArgumentException>(() => new Money(100, code!));
    }

    [Theory]
    [InlineData(4500, "EUR", "EUR 45.00")]
    [InlineData(-1999, "USD", "USD -19.99")]
    [InlineData(5, "GBP", "GBP 0.05")]
    [InlineData(1500, "JPY", "JPY 1500")]
    [InlineData(1234, "KWD", "KWD 1.234")]
    public void Displays_invariantly_with_the_currency_s_minor_digits(long minor, string currency, string expected) =>
        Assert.Equal(expected, new Money(minor, currency).ToString());

    [Fact]
    public void Formats_with_a_culture_and_the_currency_s_symbol()
    {
        Assert.Equal("€45.00", Eur(4500).Format());
        Assert.Equal("£1,234.50", new Money(123450, "GBP").Format());
        Assert.Equal("¥1,500", new Money(1500, "JPY").Format());
        Assert.Equal("SEK 99.00", new Money(9900, "SEK").Format());
        var german = Eur(4500).Format(CultureInfo.GetCultureInfo("de-DE"));
        Assert.StartsWith("45,00", german);
        Assert.EndsWith("€", german);
    }

    [Fact]
    public void Round_trips_through_json()
    {
        var json = JsonSerializer.Serialize(Eur(4500), JsonSerializerOptions.Web);

        Assert.Equal("""{"minor":4500,"currency":"EUR"}""", json);
        Assert.Equal(Eur(4500), JsonSerializer.Deserialize<Money>(json, JsonSerializerOptions.Web));
    }

    [Theory]
    [InlineData("""{"minor":1,"currency":"euro"}""")]
    [InlineData("""{"minor":1}""")]
    [InlineData("""{"currency":"EUR"}""")]
    [InlineData("""{"minor":"1","currency":"EUR"}""")]
    [InlineData("""{"minor":1.5,"currency":"EUR"}""")]
    [InlineData("""{"minor":1,"currency":7}""")]
    [InlineData("""[]""")]
    [InlineData("\"EUR 1.00\"")]
    public void Bad_json_is_a_json_error_so_the_api_answers_400(string json)
    {
        // Minimal APIs turn JsonException into 400; anything else thrown while binding would be a 500.
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Money>(json, JsonSerializerOptions.Web));
    }

    [Fact]
    public void Reads_property_names_in_any_case_and_ignores_extras()
    {
        Assert.Equal(Eur(10), JsonSerializer.Deserialize<Money>("""{"Minor":10,"CURRENCY":"EUR","note":{"a":[1]}}"""));
    }
}
