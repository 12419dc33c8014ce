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
            reasons.Add(new("velocity.account", 30, $"{counts.Account} attempts from this account in {Rules.AccountVelocityMinutes} min (limit {Rules.AccountVelocityLimit})"));

        if (card is not null)
        {
            if (counts.Card > Rules.CardVelocityLimit)
                reasons.Add(new("velocity.card", 30, $"{counts.Card} attempts with this card in {Rules.CardVelocityMinutes} min (limit {Rules.CardVelocityLimit})"));
            if (counts.CardAccounts > Rules.CardAccountsLimit)
                reasons.Add(new("card.shared", 40, $"this card was used by {counts.CardAccounts} accounts within a day (limit {Rules.CardAccountsLimit})"));
        }

        if (!string.IsNullOrEmpty(attempt.DeviceId))
        {
            if (counts.Device > Rules.DeviceVelocityLimit)
                reasons.Add(new("velocity.device", 20, $"{counts.Device} attempts from this device in {Rules.DeviceVelocityMinutes} min (limit {Rules.DeviceVelocityLimit})"));
            if (counts.DeviceAccounts > Rules.DeviceAccountsLimit)
                reasons.Add(new("device.shared", 30, $"this device paid for {counts.DeviceAccounts} accounts within a day (limit {Rules.DeviceAccountsLimit})"));
        }

        if (!string.IsNullOrEmpty(attempt.IpAddress) && counts.Ip > Rules.IpVelocityLimit)
            reasons.Add(new("velocity.ip", 20, $"{counts.Ip} attempts from {attempt.IpAddress} in {Rules.IpVelocityMinutes} min (limit {Rules.IpVelocityLimit})"));

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

    /// <summary>
    /// Every velocity count in one query (one round trip per payment instead of six), taken after the
    /// attempt's own row was committed (PaymentService). Each count therefore includes the attempt
    /// itself and every attempt committed before the count began: of a burst sharing a key, the k-th
    /// to commit sees at least k, so no more attempts than the limit pass a rule however many arrive
    /// at once, on any number of instances — without a lock, so buyers behind one address or paying
    /// with one card never queue behind each other. A burst may count more than the attempts before
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
        var since = new[] { account, card, device, ip, day }.Min();
        var buyer = attempt.BuyerId;
        var deviceId = string.IsNullOrEmpty(attempt.DeviceId) ? null : attempt.DeviceId;
        var address = string.IsNullOrEmpty(attempt.IpAddress) ? null : attempt.IpAddress;
        var counts = await db.Attempts.AsNoTracking()
            .Where(a => a.CreatedAt >= since
                && (a.BuyerId == buyer || (fingerprint != null && a.CardFingerprint == fingerprint) || (deviceId != null && a.DeviceId == deviceId) || (address != null && a.IpAddress == address)))
            .GroupBy(a => 1)
            .Select(g => new Counts(
                g.Count(a => a.BuyerId == buyer && a.CreatedAt >= account),
                g.Count(a => fingerprint != null && a.CardFingerprint == fingerprint && a.CreatedAt >= card),
                g.Where(a => fingerprint != null && a.CardFingerprint == fingerprint && a.CreatedAt >= day && a.BuyerId != buyer).Select(a => a.BuyerId).Distinct().Count(),
                g.Count(a => deviceId != null && a.DeviceId == deviceId && a.CreatedAt >= device),
                g.Where(a => deviceId != null && a.DeviceId == deviceId && a.CreatedAt >= day && a.BuyerId != buyer).Select(a => a.BuyerId).Distinct().Count(),
                g.Count(a => address != null && a.IpAddress == address && a.CreatedAt >= ip)))
            .SingleOrDefaultAsync(ct) ?? new Counts(0, 0, 0, 0, 0, 0);
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
