using System.Buffers.Binary;
using System.Data.Common;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Encore.Contracts.Payments;
using Encore.Payments.Gateway;
using Encore.Payments.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Encore.Payments.Fraud;

/// <summary>
/// Rule-based screening in the spirit of Stripe Radar: each rule that fires adds points and a
/// reason; the total picks allow, require 3-D Secure, hold for review or block. Velocity is counted
/// from Payments' own attempts table, so it holds across instances. Counts include the attempt
/// being screened, which is screened before it is stored (one insert then carries both), in the
/// transaction that stores it: attempts sharing a key are counted one after another.
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
    /// Every velocity count in one query (one round trip per payment instead of six). The attempt
    /// being screened counts once whether or not it is stored yet: the others are counted without
    /// it, and it is added.
    ///
    /// The caller's transaction runs from here to the attempt's insert, so that concurrent attempts
    /// sharing an account, card or device count each other instead of all passing at once.
    /// On PostgreSQL the same round trip first takes a transaction-scoped advisory lock per key, in
    /// ascending order (no deadlock between attempts sharing several keys), each its own statement so
    /// the count's snapshot comes after the locks; on SQLite the transaction is the one writer.
    /// </summary>
    async Task<Counts> CountAsync(PaymentAttempt attempt, string? fingerprint, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Velocity is counted inside the transaction that stores the attempt.");
        var postgres = db.Database.IsNpgsql();
        var now = clock.GetUtcNow();
        var deviceId = string.IsNullOrEmpty(attempt.DeviceId) ? null : attempt.DeviceId;
        var address = string.IsNullOrEmpty(attempt.IpAddress) ? null : attempt.IpAddress;
        var windows = new[] { Rules.AccountVelocityMinutes, Rules.CardVelocityMinutes, Rules.DeviceVelocityMinutes, Rules.IpVelocityMinutes }
            .Select(m => now.AddMinutes(-m)).ToArray();
        var day = now.AddDays(-1);

        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder();
        var locks = 0;
        if (postgres)
        {
            // No lock on the address: thousands of buyers share one behind a carrier's NAT, and their
            // payments must not queue behind each other; the address rule's count is taken unlocked.
            var keys = new[] { ("account", attempt.BuyerId.ToString("D")), ("card", fingerprint), ("device", deviceId) }
                .Where(k => k.Item2 is not null).Select(k => LockKey(k.Item1, k.Item2!)).Distinct().Order().ToList();
            for (; locks < keys.Count; locks++)
            {
                sql.Append($"SELECT pg_advisory_xact_lock(@lock{locks});\n");
                Add(command, $"@lock{locks}", keys[locks]);
            }
        }
        var table = db.Model.FindEntityType(typeof(PaymentAttempt))!;
        var name = (table.GetSchema() is { } schema ? $"\"{schema}\"." : "") + $"\"{table.GetTableName()}\"";
        // The table's name is the model's constant; every value is a parameter. CASE inside count()
        // rather than FILTER: the same text runs on both providers.
        sql.Append($"""
            SELECT
              count(CASE WHEN "BuyerId" = @buyer AND "CreatedAt" >= @account THEN 1 END),
              count(CASE WHEN "CardFingerprint" = @card AND "CreatedAt" >= @cardSince THEN 1 END),
              count(DISTINCT CASE WHEN "CardFingerprint" = @card AND "CreatedAt" >= @day AND "BuyerId" <> @buyer THEN "BuyerId" END),
              count(CASE WHEN "DeviceId" = @device AND "CreatedAt" >= @deviceSince THEN 1 END),
              count(DISTINCT CASE WHEN "DeviceId" = @device AND "CreatedAt" >= @day AND "BuyerId" <> @buyer THEN "BuyerId" END),
              count(CASE WHEN "IpAddress" = @ip AND "CreatedAt" >= @ipSince THEN 1 END)
            FROM {name}
            WHERE "Id" <> @self AND "CreatedAt" >= @since
              AND ("BuyerId" = @buyer OR "CardFingerprint" = @card OR "DeviceId" = @device OR "IpAddress" = @ip)
            """);
        command.CommandText = sql.ToString();
        // SQLite holds Guids as upper-case text and instants as UTC ticks (UseSortableInstants).
        object Id(Guid id) => postgres ? id : id.ToString("D").ToUpperInvariant();
        object At(DateTimeOffset at) => postgres ? at : at.UtcTicks;
        Add(command, "@self", Id(attempt.Id));
        Add(command, "@buyer", Id(attempt.BuyerId));
        Add(command, "@card", fingerprint);
        Add(command, "@device", deviceId);
        Add(command, "@ip", address);
        Add(command, "@account", At(windows[0]));
        Add(command, "@cardSince", At(windows[1]));
        Add(command, "@deviceSince", At(windows[2]));
        Add(command, "@ipSince", At(windows[3]));
        Add(command, "@day", At(day));
        Add(command, "@since", At(windows.Append(day).Min()));

        await using var reader = await command.ExecuteReaderAsync(ct);
        // The locks' own results come first.
        for (var i = 0; i < locks; i++) await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("The velocity counts returned no row.");
        int WithThis(int column) => (int)reader.GetInt64(column) + 1;
        return new Counts(WithThis(0), WithThis(1), WithThis(2), WithThis(3), WithThis(4), WithThis(5));
    }

    /// <summary>A 64-bit advisory-lock key per velocity key (kind and value), namespaced to this screen.</summary>
    static long LockKey(string kind, string value) =>
        BinaryPrimitives.ReadInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"encore.payments.velocity|{kind}|{value}")));

    static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
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
