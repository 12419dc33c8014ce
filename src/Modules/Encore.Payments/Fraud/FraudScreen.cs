using System.Net;
using Encore.Contracts.Payments;
using Encore.Payments.Gateway;
using Encore.Payments.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Payments.Fraud;

/// <summary>
/// Rule-based screening in the spirit of Stripe Radar: each rule that fires adds points and a
/// reason; the total picks allow, require 3-D Secure, hold for review or block. Velocity is counted
/// from Payments' own attempts table, so it holds across instances. Counts include the attempt
/// being screened, which is stored before it is screened (see CountAsync).
/// </summary>
internal sealed class FraudScreen(PaymentsDbContext db, PaymentsOptions options, TimeProvider clock)
{
    FraudOptions Rules => options.Fraud;

    public async Task<FraudDecision> DecideAsync(PaymentAttempt attempt, AuthorizePayment request, CardDetails? card, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var reasons = new List<FraudReason>();
        var signals = request.Signals;

        var counts = await CountAsync(attempt, card?.Fingerprint, ct);
        if (counts.Account > Rules.AccountVelocityLimit)
            reasons.Add(new("velocity.account", 30, $"more than {Rules.AccountVelocityLimit} attempts from this account in {Rules.AccountVelocityMinutes} min"));

        if (card is not null)
        {
            if (counts.Card > Rules.CardVelocityLimit)
                reasons.Add(new("velocity.card", 30, $"more than {Rules.CardVelocityLimit} attempts with this card in {Rules.CardVelocityMinutes} min"));
            if (counts.CardAccounts > Rules.CardAccountsLimit)
                reasons.Add(new("card.shared", 40, $"this card was used by {counts.CardAccounts} accounts within a day (limit {Rules.CardAccountsLimit})"));
        }

        if (!string.IsNullOrEmpty(attempt.DeviceId))
        {
            if (counts.Device > Rules.DeviceVelocityLimit)
                reasons.Add(new("velocity.device", 20, $"more than {Rules.DeviceVelocityLimit} attempts from this device in {Rules.DeviceVelocityMinutes} min"));
            if (counts.DeviceAccounts > Rules.DeviceAccountsLimit)
                reasons.Add(new("device.shared", 30, $"this device paid for {counts.DeviceAccounts} accounts within a day (limit {Rules.DeviceAccountsLimit})"));
        }

        if (!string.IsNullOrEmpty(attempt.IpAddress) && counts.Ip > Rules.IpVelocityLimit)
            reasons.Add(new("velocity.ip", 20, $"more than {Rules.IpVelocityLimit} attempts from {attempt.IpAddress} in {Rules.IpVelocityMinutes} min"));

        var ipCountry = Normalize(signals.IpCountry) ?? IpCountries.Lookup(attempt.IpAddress, Rules.IpCountries);
        var billing = Normalize(signals.BillingCountry);
        var eventCountry = Normalize(signals.EventCountry);
        if (ipCountry is not null && billing is not null && ipCountry != billing)
            reasons.Add(new("country.ip-billing", 15, $"address in {ipCountry}, billing country {billing}"));
        if (card?.Country is { } cardCountry && billing is not null && cardCountry != billing)
            reasons.Add(new("country.card-billing", 10, $"card issued in {cardCountry}, billing country {billing}"));
        if (ipCountry is not null && eventCountry is not null && ipCountry != eventCountry && (billing is null || billing != eventCountry))
            reasons.Add(new("country.event", 5, $"buying from {ipCountry} for an event in {eventCountry}"));

        if (request.Amount >= Rules.HighValueAbove)
            reasons.Add(new("amount.high", 20, $"order of {request.Amount} minor units (high value from {Rules.HighValueAbove})"));

        var age = now - signals.AccountCreatedAt;
        if (age < TimeSpan.FromHours(1))
            reasons.Add(new("account.new", 25, $"account created {Math.Max(0, (int)age.TotalMinutes)} min ago"));
        else if (age < TimeSpan.FromHours(Rules.NewAccountHours))
            reasons.Add(new("account.young", 10, $"account created {(int)age.TotalHours} h ago"));

        if (signals.DeviceRiskScore >= 80)
            reasons.Add(new("device.risk", 40, $"device risk score {signals.DeviceRiskScore}"));
        else if (signals.DeviceRiskScore >= 50)
            reasons.Add(new("device.risk", 20, $"device risk score {signals.DeviceRiskScore}"));

        var score = reasons.Sum(r => r.Points);
        var outcome = score >= Rules.BlockScore ? FraudOutcome.Block
            : score >= Rules.ReviewScore ? FraudOutcome.Review
            : score >= Rules.ThreeDSecureScore ? FraudOutcome.RequireThreeDSecure
            : FraudOutcome.Allow;
        if (outcome == FraudOutcome.Allow && request.Amount >= Rules.ThreeDSecureAbove)
        {
            reasons.Add(new("amount.three-d-secure", 0, $"orders from {Rules.ThreeDSecureAbove} minor units always need 3-D Secure"));
            outcome = FraudOutcome.RequireThreeDSecure;
        }

        return new FraudDecision
        {
            PaymentId = attempt.Id,
            OrderId = attempt.OrderId,
            BuyerId = attempt.BuyerId,
            Amount = attempt.Amount,
            Currency = attempt.Currency,
            Outcome = outcome,
            Score = score,
            Reasons = reasons,
            DecidedAt = now,
        };
    }

    sealed record Counts(int Account, int Card, int CardAccounts, int Device, int DeviceAccounts, int Ip);

    /// <summary>The most attempts a velocity count reads: a limit at or above it turns its rule off.</summary>
    const int VelocityCountCeiling = 1000;

    /// <summary>How many of a card's or device's latest attempts of the day the shared-by-accounts rules look at; a limit at or above it turns the rule off.</summary>
    const int SharedLookback = 100;

    /// <summary>
    /// Every velocity count in one query (one round trip per payment instead of six), taken after the
    /// attempt's own row was committed (PaymentService). Each count therefore includes the attempt
    /// itself and every attempt committed before the count began: of a burst sharing a key, the k-th
    /// to commit sees at least k (or the count's stop, one past the limit), so no more attempts than
    /// the limit pass a rule however many arrive at once, on any number of instances — without a lock,
    /// so buyers behind one address or paying with one card never queue behind each other. A burst may count more than the attempts before
    /// it (all commit, then all count), which errs towards 3-D Secure, never towards letting through.
    /// The distinct-account counts count the other accounts, plus this one.
    /// </summary>
    async Task<Counts> CountAsync(PaymentAttempt attempt, string? fingerprint, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var account = now.AddMinutes(-Rules.AccountVelocityMinutes);
        var card = now.AddMinutes(-Rules.CardVelocityMinutes);
        var device = now.AddMinutes(-Rules.DeviceVelocityMinutes);
        var ip = now.AddMinutes(-Rules.IpVelocityMinutes);
        var day = now.AddDays(-1);
        var buyer = attempt.BuyerId;
        var deviceId = string.IsNullOrEmpty(attempt.DeviceId) ? null : attempt.DeviceId;
        var address = string.IsNullOrEmpty(attempt.IpAddress) ? null : attempt.IpAddress;
        // Each count stops one past its limit: beyond that the decision is the same, and an address
        // thousands of fans share (a venue's Wi-Fi, a carrier's NAT) would otherwise cost every payment
        // a scan of all their attempts, each slower than the last. A rule that is off (its limit at or
        // above what a count reads) reads nothing.
        static int UpTo(int limit) => limit >= VelocityCountCeiling ? 0 : Math.Max(limit + 1, 1);
        static int Latest(int limit) => limit >= SharedLookback ? 0 : SharedLookback;
        var (accountCap, cardCap, deviceCap, ipCap) = (UpTo(Rules.AccountVelocityLimit), UpTo(Rules.CardVelocityLimit), UpTo(Rules.DeviceVelocityLimit), UpTo(Rules.IpVelocityLimit));
        var (cardLatest, deviceLatest) = (Latest(Rules.CardAccountsLimit), Latest(Rules.DeviceAccountsLimit));
        var attempts = db.Attempts.AsNoTracking();
        var counts = await attempts.Where(a => a.Id == attempt.Id).Select(_ => new Counts(
                attempts.Where(a => a.BuyerId == buyer && a.CreatedAt >= account).Take(accountCap).Count(),
                attempts.Where(a => fingerprint != null && a.CardFingerprint == fingerprint && a.CreatedAt >= card).Take(cardCap).Count(),
                attempts.Where(a => fingerprint != null && a.CardFingerprint == fingerprint && a.CreatedAt >= day)
                    .OrderByDescending(a => a.CreatedAt).Take(cardLatest).Where(a => a.BuyerId != buyer).Select(a => a.BuyerId).Distinct().Count(),
                attempts.Where(a => deviceId != null && a.DeviceId == deviceId && a.CreatedAt >= device).Take(deviceCap).Count(),
                attempts.Where(a => deviceId != null && a.DeviceId == deviceId && a.CreatedAt >= day)
                    .OrderByDescending(a => a.CreatedAt).Take(deviceLatest).Where(a => a.BuyerId != buyer).Select(a => a.BuyerId).Distinct().Count(),
                attempts.Where(a => address != null && a.IpAddress == address && a.CreatedAt >= ip).Take(ipCap).Count()))
            .SingleAsync(ct);
        // The attempt is stored before it is counted: at least 1 whatever the row's own values.
        return new Counts(Math.Max(1, counts.Account), Math.Max(1, counts.Card), counts.CardAccounts + 1,
            Math.Max(1, counts.Device), counts.DeviceAccounts + 1, Math.Max(1, counts.Ip));
    }

    static string? Normalize(string? country) =>
        country is { Length: 2 } c && c.All(char.IsAsciiLetter) ? c.ToUpperInvariant() : null;
}

/// <summary>
/// Encore ships no GeoIP database, so an address's country is known only when the caller passes it
/// (<see cref="FraudSignals.IpCountry"/>, e.g. from a CDN header) or the deployment lists its networks
/// in <c>Encore:Payments:Fraud:IpCountries</c>. Otherwise the country rules that need it stay silent.
/// </summary>
internal static class IpCountries
{
    public static string? Lookup(string? ip, IReadOnlyDictionary<string, string> table)
    {
        if (ip is null || table.Count == 0 || !IPAddress.TryParse(ip, out var address)) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var (network, country) in table)
            if (IPNetwork.TryParse(network, out var net) && net.Contains(address))
                return country.ToUpperInvariant();
        return null;
    }
}
