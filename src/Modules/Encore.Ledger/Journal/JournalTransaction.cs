using Encore.BuildingBlocks;

namespace Encore.Ledger.Journal;

/// <summary>
/// One balanced journal transaction. Created whole and never changed: the database refuses
/// updates and deletes, so a correction is a new transaction that reverses the old one.
/// </summary>
internal sealed class JournalTransaction
{
    public Guid Id { get; private set; }
    /// <summary>What caused it: a money event's type name, or <c>Manual</c>.</summary>
    public string SourceKind { get; private set; } = "";
    /// <summary>The payment, refund or chargeback id; unique per kind, so a source is posted once.</summary>
    public Guid SourceId { get; private set; }
    public Guid? OrderId { get; private set; }
    public Guid? OrganizerId { get; private set; }
    public string Description { get; private set; } = "";
    public DateTimeOffset OccurredAt { get; private set; }
    public DateTimeOffset PostedAt { get; private set; }
    /// <summary>How many entries belong to it; the database checks the entries against it.</summary>
    public int EntryCount { get; private set; }
    public List<JournalEntry> Entries { get; private set; } = [];

    JournalTransaction() { }

    /// <summary>Builds a transaction from its postings; refuses one that does not sum to zero in every currency.</summary>
    public static JournalTransaction Create(
        string sourceKind, Guid sourceId, Guid? orderId, Guid? organizerId, string description,
        DateTimeOffset occurredAt, DateTimeOffset postedAt, IReadOnlyList<Posting> postings)
    {
        var kept = postings.Where(p => p.Amount != 0).ToList();
        if (kept.Count < 2)
            throw new UnbalancedTransactionException($"A journal transaction needs at least two non-zero entries; {sourceKind} {sourceId} has {kept.Count}.");
        foreach (var p in kept)
        {
            if (!Money.IsCurrencyCode(p.Currency)) throw new UnbalancedTransactionException($"'{p.Currency}' is not an ISO 4217 currency code.");
            if (!Accounts.IsValid(p.Account)) throw new UnbalancedTransactionException($"'{p.Account}' is not an account code.");
        }
        var unbalanced = kept.GroupBy(p => p.Currency)
            .Select(g => (Currency: g.Key, Sum: g.Aggregate(0L, (sum, p) => checked(sum + p.Amount))))
            .Where(g => g.Sum != 0)
            .ToList();
        if (unbalanced.Count > 0)
            throw new UnbalancedTransactionException(
                $"{sourceKind} {sourceId} does not balance: " + string.Join(", ", unbalanced.Select(u => $"{u.Currency} {u.Sum:+#;-#;0}")));

        var id = Ids.New();
        return new JournalTransaction
        {
            Id = id,
            SourceKind = sourceKind,
            SourceId = sourceId,
            OrderId = orderId,
            OrganizerId = organizerId,
            Description = description.Length > 200 ? description[..200] : description,
            OccurredAt = occurredAt,
            PostedAt = postedAt,
            EntryCount = kept.Count,
            Entries = kept.Select((p, i) => new JournalEntry(id, i + 1, p.Account, p.Currency, p.Amount)).ToList(),
        };
    }
}

/// <summary>One line: debit positive, credit negative, in minor units of its currency.</summary>
internal sealed class JournalEntry
{
    public Guid TransactionId { get; private set; }
    public int Line { get; private set; }
    public string Account { get; private set; } = "";
    public string Currency { get; private set; } = "";
    public long Amount { get; private set; }

    JournalEntry() { }

    public JournalEntry(Guid transactionId, int line, string account, string currency, long amount)
    {
        TransactionId = transactionId;
        Line = line;
        Account = account;
        Currency = currency;
        Amount = amount;
    }
}

/// <summary>An amount to post to an account: debit positive, credit negative.</summary>
internal readonly record struct Posting(string Account, string Currency, long Amount);

/// <summary>A transaction that does not sum to zero per currency (a bug in the poster, never the buyer's input).</summary>
internal sealed class UnbalancedTransactionException(string message) : InvalidOperationException(message);

/// <summary>Record of a delivered money event: which source it was, so reconciliation can check each was posted exactly once.</summary>
internal sealed class MoneyEventReceipt
{
    public Guid MessageId { get; init; }
    public string SourceKind { get; init; } = "";
    public Guid SourceId { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
}
