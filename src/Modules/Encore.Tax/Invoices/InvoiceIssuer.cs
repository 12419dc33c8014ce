using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Encore.BuildingBlocks;
using Encore.Contracts.Tax;
using Encore.Tax.Calculation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Encore.Tax.Invoices;

/// <summary>
/// Issues invoices numbered 1, 2, 3… per seller with no gaps, on any number of instances. An invoice
/// is first written unnumbered, in parallel with any others; then one transaction holding the
/// seller's sequence row numbers every invoice of that seller still waiting, in the order they were
/// written. In an on-sale all invoices are one organizer's, and numbering them one transaction each
/// made every paid order wait its turn for that row (docs/PERFORMANCE.md): now one issuer numbers
/// the invoices of everyone waiting while they wait for it together (<see cref="LeadAsync"/>), as a
/// database's group commit does for its log. A transaction that fails rolls its numbers back, so
/// none is lost.
/// </summary>
internal sealed class InvoiceIssuer(TaxDbContext db, TimeProvider clock) : IInvoiceIssuer
{
    /// <summary>How many waiting invoices one transaction numbers at most.</summary>
    internal const int NumberingBatch = 500;

    public async Task<IssuedInvoice> IssueAsync(InvoiceRequest request, CancellationToken ct) =>
        (await IssueOrReplayAsync(request, ct)).Invoice;

    public async Task<(IssuedInvoice Invoice, bool Replayed)> IssueOrReplayAsync(InvoiceRequest request, CancellationToken ct)
    {
        Validate(request);
        var hash = Hash(request);
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            if (await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.SellerId == request.SellerId && i.SourceReference == request.SourceReference, ct) is { } existing)
            {
                if (existing.RequestHash != hash)
                    throw new InvoiceRequestException($"An invoice for '{request.SourceReference}' was already issued with other content.");
                // Written but not numbered: its issuer is numbering it now, or stopped before it did.
                return (ToIssued(existing.Sequence is null ? await NumberAsync(existing.SellerId, existing.Id, ct) : existing), true);
            }

            var net = request.Lines.Sum(l => l.Net);
            var tax = request.Lines.Sum(l => l.Tax);
            var invoice = new Invoice
            {
                Id = Ids.New(),
                SellerId = request.SellerId,
                SourceReference = request.SourceReference,
                RequestHash = hash,
                IssuedAt = clock.GetUtcNow(),
                SupplyDate = request.SupplyDate,
                Currency = request.Currency,
                Seller = JsonSerializer.Serialize(request.Seller, JsonSerializerOptions.Web),
                Buyer = JsonSerializer.Serialize(request.Buyer, JsonSerializerOptions.Web),
                Lines = JsonSerializer.Serialize(request.Lines, JsonSerializerOptions.Web),
                TotalNet = net,
                TotalTax = tax,
                TotalGross = net + tax,
            };
            db.Invoices.Add(invoice);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // A concurrent first request for the same reference wrote it first (the unique index
                // decides): next time round it is found above and answered as a replay.
                continue;
            }
            return (ToIssued(await NumberAsync(invoice.SellerId, invoice.Id, ct)), false);
        }
    }

    /// <summary>
    /// Numbers the seller's waiting invoices under the sequence row's lock until
    /// <paramref name="invoiceId"/> has its number, and answers that invoice.
    /// </summary>
    async Task<Invoice> NumberAsync(Guid sellerId, Guid invoiceId, CancellationToken ct)
    {
        var postgres = db.Database.IsNpgsql();
        var key = NumberingLockKey(sellerId);
        while (true)
        {
            db.ChangeTracker.Clear();
            Invoice? mine = null;
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                // Any failure rolls the whole transaction back: EF's savepoint around SaveChanges
                // would only add round trips while the lock is held.
                db.Database.AutoSavepointsEnabled = false;
                try
                {
                    if (postgres && !await LeadAsync(key, ct))
                    {
                        var numbered = await NumberedAfterWaitingAsync(key, invoiceId, ct);
                        await tx.RollbackAsync(CancellationToken.None);
                        // Written after the numbering it waited for had read the waiting ones: go again.
                        if (!numbered) continue;
                    }
                    else
                    {
                        (var any, mine) = await NumberWaitingAsync(sellerId, invoiceId, ct);
                        // Nothing waiting means nothing written: no commit to wait for.
                        if (any) await tx.CommitAsync(ct);
                        else await tx.RollbackAsync(CancellationToken.None);
                    }
                }
                finally
                {
                    db.Database.AutoSavepointsEnabled = true;
                }
            }
            mine ??= await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoiceId, ct);
            // Still unnumbered only when more than a batch waited ahead of it: go again.
            if (mine.Sequence is not null) return mine;
        }
    }

    /// <summary>
    /// On PostgreSQL one issuer of a seller numbers at a time (it holds the leader lock, which the
    /// others only try) and the others wait for it on a shared lock, granted to all of them at once
    /// when it commits: queued for the sequence row instead, each would have waited its turn only
    /// to find its invoice numbered. True when this one leads, holding the numbering lock.
    /// </summary>
    async Task<bool> LeadAsync(int key, CancellationToken ct)
    {
        if (!await db.Database.SqlQueryRaw<bool>("SELECT pg_try_advisory_xact_lock({0}, {1}) AS \"Value\"", LeaderLock, key).SingleAsync(ct))
            return false;
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, {1})", [NumberingLock, key], ct);
        return true;
    }

    /// <summary>
    /// In the caller's transaction on PostgreSQL: waits on a shared lock for the issuer numbering now
    /// to commit, then reads (in a statement of its own, so with a snapshot taken after the wait)
    /// whether the invoice has its number. Both statements go in one round trip.
    /// </summary>
    async Task<bool> NumberedAfterWaitingAsync(int key, Guid invoiceId, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        // The table name is a constant of the context; the values are parameters.
        command.CommandText = $"SELECT pg_advisory_xact_lock_shared({NumberingLock}, @key); " +
            $"SELECT \"{nameof(Invoice.Sequence)}\" FROM {db.InvoiceTable} WHERE \"{nameof(Invoice.Id)}\" = @id";
        command.Parameters.Add(new NpgsqlParameter("key", key));
        command.Parameters.Add(new NpgsqlParameter("id", invoiceId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        return await reader.ReadAsync(ct) && !await reader.IsDBNullAsync(0, ct);
    }

    /// <summary>
    /// In the caller's transaction: locks the sequence row, numbers every waiting invoice of the
    /// seller oldest first and advances the row. Answers whether any was waiting, and the invoice
    /// <paramref name="invoiceId"/> when it was among them.
    /// </summary>
    async Task<(bool Numbered, Invoice? Mine)> NumberWaitingAsync(Guid sellerId, Guid invoiceId, CancellationToken ct)
    {
        var last = await LockSequenceAsync(sellerId, ct);
        // Read after the lock: what an earlier holder numbered has committed by now.
        var waiting = await db.Invoices.Where(i => i.SellerId == sellerId && i.Sequence == null)
            .OrderBy(i => i.Id).Take(NumberingBatch).ToListAsync(ct);
        if (waiting.Count == 0) return (false, null);
        var now = clock.GetUtcNow();
        foreach (var invoice in waiting)
        {
            invoice.Sequence = ++last;
            invoice.Number = last.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            invoice.IssuedAt = now;
        }
        // The sequence row's new value goes in the same batch of statements as the invoices.
        var sequence = new InvoiceSequence { SellerId = sellerId, LastNumber = last - waiting.Count };
        db.Sequences.Attach(sequence);
        sequence.LastNumber = last;
        await db.SaveChangesAsync(ct);
        return (true, waiting.Find(i => i.Id == invoiceId));
    }

    // Advisory lock spaces of invoice numbering; two-key locks never meet the single-key ones of other modules.
    /// <summary>Held by the one issuer of a seller that numbers ("INVL"): the others do not try while it does.</summary>
    const int LeaderLock = 0x494E564C;
    /// <summary>Held exclusively while numbering ("INVN"), shared by those waiting for it to finish.</summary>
    const int NumberingLock = 0x494E564E;

    /// <summary>A seller's key in that space; two sellers that share one only wait for each other now and then.</summary>
    static int NumberingLockKey(Guid sellerId)
    {
        Span<byte> bytes = stackalloc byte[16];
        sellerId.TryWriteBytes(bytes);
        // The last bytes of a version 4 or 7 id are random.
        return BitConverter.ToInt32(bytes[12..]);
    }

    /// <summary>Locks the seller's sequence row (creating it for a first invoice) and answers its last number.</summary>
    async Task<long> LockSequenceAsync(Guid sellerId, CancellationToken ct)
    {
        // A write, not a read: on SQLite it takes the write lock before any read, so a concurrent
        // issuer waits instead of failing on a stale snapshot; on PostgreSQL it waits for the row.
        // EF keeps GUIDs as upper-case text on SQLite; the raw SQL must match.
        object seller = db.Database.IsNpgsql() ? sellerId : sellerId.ToString().ToUpperInvariant();
        // The table name is a constant of the context; the seller is a parameter.
        var touch = "UPDATE " + db.SequenceTable + " SET last_number = last_number WHERE seller_id = {0} RETURNING last_number AS \"Value\"";
        var numbers = await db.Database.SqlQueryRaw<long>(touch, seller).ToListAsync(ct);
        if (numbers.Count == 0)
        {
            var insert = "INSERT INTO " + db.SequenceTable + " (seller_id, last_number) VALUES ({0}, 0) ON CONFLICT (seller_id) DO NOTHING";
            await db.Database.ExecuteSqlRawAsync(insert, [seller], ct);
            numbers = await db.Database.SqlQueryRaw<long>(touch, seller).ToListAsync(ct);
        }
        return numbers.Single();
    }

    static IssuedInvoice ToIssued(Invoice i) => new(i.Id, i.Number, i.Sequence!.Value, i.IssuedAt, i.TotalNet, i.TotalTax, i.TotalGross);

    static string Hash(InvoiceRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, JsonSerializerOptions.Web))));

    public static void Validate(InvoiceRequest? r)
    {
        if (r is null) throw new InvoiceRequestException("A request is required.");
        if (r.SellerId == Guid.Empty) throw new InvoiceRequestException("sellerId is required.");
        if (string.IsNullOrWhiteSpace(r.SourceReference) || r.SourceReference.Length > 100) throw new InvoiceRequestException("sourceReference is required (at most 100 characters).");
        Party(r.Seller, "seller");
        Party(r.Buyer, "buyer");
        if (!Money.IsCurrencyCode(r.Currency)) throw new InvoiceRequestException("currency must be an ISO 4217 code such as EUR.");
        if (r.Lines is not { Count: > 0 and <= TaxRequests.MaxLines }) throw new InvoiceRequestException($"Between 1 and {TaxRequests.MaxLines} lines are required.");
        foreach (var l in r.Lines)
        {
            if (l is null) throw new InvoiceRequestException("A line is missing.");
            if (string.IsNullOrWhiteSpace(l.Description) || l.Description.Length > 300) throw new InvoiceRequestException("Each line needs a description of at most 300 characters.");
            if (l.Quantity is < 1 or > 100_000) throw new InvoiceRequestException("quantity must be between 1 and 100000.");
            if (l.Net is < 0 or > 1_000_000_000_000) throw new InvoiceRequestException("net is zero or positive minor units.");
            if (l.RatePpm is < 0 or > 1_000_000) throw new InvoiceRequestException("ratePpm is between 0 and 1000000.");
            if (string.IsNullOrWhiteSpace(l.TaxName) || l.TaxName.Length > 40) throw new InvoiceRequestException("taxName is required (at most 40 characters).");
            // Tax from a tax-inclusive price can differ from net × rate by one minor unit of rounding per
            // unit: a line of n tickets each priced with tax carries n unit roundings. More is a mistake.
            if (l.Tax < 0 || Math.Abs(l.Tax - TaxMath.FromNet(l.Net, l.RatePpm).Tax) > Math.Max(1, l.Quantity))
                throw new InvoiceRequestException($"Line '{l.Description}': tax {l.Tax} does not match net {l.Net} at {l.RatePpm} ppm.");
        }
        if (r.SupplyDate is { Year: < 2000 or > 2200 }) throw new InvoiceRequestException("supplyDate is out of range.");
    }

    static void Party(InvoiceParty? p, string field)
    {
        if (p is null) throw new InvoiceRequestException($"{field} is required.");
        if (string.IsNullOrWhiteSpace(p.Name) || p.Name.Length > 200) throw new InvoiceRequestException($"{field}.name is required (at most 200 characters).");
        if (p.Address is null || p.Address.Length > 1000) throw new InvoiceRequestException($"{field}.address is required (at most 1000 characters).");
        if (p.Country is not { Length: 2 } || !p.Country.All(char.IsAsciiLetterUpper)) throw new InvoiceRequestException($"{field}.country must be an ISO 3166-1 alpha-2 code.");
        if (p.VatNumber is { Length: > 30 }) throw new InvoiceRequestException($"{field}.vatNumber is at most 30 characters.");
    }
}
