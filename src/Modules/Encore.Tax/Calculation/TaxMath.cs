namespace Encore.Tax.Calculation;

/// <summary>
/// Integer tax arithmetic on minor units with rates in parts per million. Each line is rounded
/// once, half-up (0.5 of a minor unit goes up), and net + tax = gross holds exactly on every line.
/// </summary>
internal static class TaxMath
{
    const long Million = 1_000_000;

    /// <summary>Prices without tax (US): tax = round_half_up(net × rate).</summary>
    public static (long Net, long Tax, long Gross) FromNet(long net, int ratePpm)
    {
        Check(net, ratePpm);
        var tax = (long)DivideHalfUp((Int128)net * ratePpm, Million);
        return (net, tax, checked(net + tax));
    }

    /// <summary>Prices with tax (EU consumer prices): net = round_half_up(gross ÷ (1 + rate)), tax = gross − net.</summary>
    public static (long Net, long Tax, long Gross) FromGross(long gross, int ratePpm)
    {
        Check(gross, ratePpm);
        var net = (long)DivideHalfUp((Int128)gross * Million, Million + ratePpm);
        return (net, gross - net, gross);
    }

    static Int128 DivideHalfUp(Int128 numerator, Int128 denominator) => (numerator * 2 + denominator) / (denominator * 2);

    static void Check(long amount, int ratePpm)
    {
        if (amount < 0) throw new ArgumentOutOfRangeException(nameof(amount), "Amounts are zero or positive.");
        if (ratePpm is < 0 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(ratePpm), "A rate is between 0 and 100%.");
    }
}
