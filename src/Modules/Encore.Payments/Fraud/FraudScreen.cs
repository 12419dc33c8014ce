using System.Net;
using Encore.Contracts.Payments;
using Encore.Payments.Gateway;
using Encore.Payments.Model;
using Microsoft.EntityFrameworkCore;

namespace Encore.Payments.Fraud;

/// <summary>
/// Rule-based screening in the spirit of Stripe Radar: each rule that fires adds points and a
/// reason; the total picks allow, require 3-D Secure, hold for review or block. Velocity is counted
/// from Payments' own attempts table, so it holds across instances. The attempt being screened is
/// already stored, so counts include it.
/// </summary>
internal sealed class FraudScreen(PaymentsDbContext db, PaymentsOptions options, TimeProvider clock)
{
    FraudOptions Rules => options.Fraud;

    public async Task<FraudDecision> DecideAsync(PaymentAttempt attempt, AuthorizePayment request, CardDetails? card, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var reasons = new List<FraudReason>();
        var signals = request.Signals;

        var byAccount = await CountAsync(a => a.BuyerId == attempt.BuyerId, Rules.AccountVelocityMinutes, ct);
        if (byAccount > Rules.AccountVelocityLimit)
            reasons.Add(new("velocity.account", 30, $"{byAccount} attempts from this account in {Rules.AccountVelocityMinutes} min (limit {Rules.AccountVelocityLimit})"));

        if (card is not null)
        {
            var byCard = await CountAsync(a => a.CardFingerprint == card.Fingerprint, Rules.CardVelocityMinutes, ct);
            if (byCard > Rules.CardVelocityLimit)
                reasons.Add(new("velocity.card", 30, $"{byCard} attempts with this card in {Rules.CardVelocityMinutes} min (limit {Rules.CardVelocityLimit})"));
            var since = now.AddDays(-1);
            var accounts = await db.Attempts.Where(a => a.CardFingerprint == card.Fingerprint && a.CreatedAt >= since)
                .Select(a => a.BuyerId).Distinct().CountAsync(ct);
            if (accounts > Rules.CardAccountsLimit)
                reasons.Add(new("card.shared", 40, $"this card was used by {accounts} accounts within a day (limit {Rules.CardAccountsLimit})"));
        }

        if (!string.IsNullOrEmpty(attempt.DeviceId))
        {
            var byDevice = await CountAsync(a => a.DeviceId == attempt.DeviceId, Rules.DeviceVelocityMinutes, ct);
            if (byDevice > Rules.DeviceVelocityLimit)
                reasons.Add(new("velocity.device", 20, $"{byDevice} attempts from this device in {Rules.DeviceVelocityMinutes} min (limit {Rules.DeviceVelocityLimit})"));
            var since = now.AddDays(-1);
            var accounts = await db.Attempts.Where(a => a.DeviceId == attempt.DeviceId && a.CreatedAt >= since)
                .Select(a => a.BuyerId).Distinct().CountAsync(ct);
            if (accounts > Rules.DeviceAccountsLimit)
                reasons.Add(new("device.shared", 30, $"this device paid for {accounts} accounts within a day (limit {Rules.DeviceAccountsLimit})"));
        }

        if (!string.IsNullOrEmpty(attempt.IpAddress))
        {
            var byIp = await CountAsync(a => a.IpAddress == attempt.IpAddress, Rules.IpVelocityMinutes, ct);
            if (byIp > Rules.IpVelocityLimit)
                reasons.Add(new("velocity.ip", 20, $"{byIp} attempts from {attempt.IpAddress} in {Rules.IpVelocityMinutes} min (limit {Rules.IpVelocityLimit})"));
        }

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

    Task<int> CountAsync(System.Linq.Expressions.Expression<Func<PaymentAttempt, bool>> who, int minutes, CancellationToken ct)
    {
        var since = clock.GetUtcNow().AddMinutes(-minutes);
        return db.Attempts.Where(who).Where(a => a.CreatedAt >= since).CountAsync(ct);
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
