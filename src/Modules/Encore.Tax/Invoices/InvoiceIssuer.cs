using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Encore.BuildingBlocks;
using Encore.Contracts.Tax;
using Encore.Tax.Calculation;
using Microsoft.EntityFrameworkCore;

namespace Encore.Tax.Invoices;

/// <summary>
/// Issues invoices numbered 1, 2, 3… per seller with no gaps, on any number of instances: the
/// number comes from an UPDATE … RETURNING on the seller's sequence row inside the invoice's own
/// transaction. The row lock serializes concurrent issuers of one seller (other sellers do not
/// wait), and a transaction that fails rolls its increment back, so no number is lost.
/// </summary>
internal sealed class InvoiceIssuer(TaxDbContext db, TimeProvider clock) : IInvoiceIssuer
{
    public async Task<IssuedInvoice> IssueAsync(InvoiceRequest request, CancellationToken ct) =>
        (await IssueOrReplayAsync(request, ct)).Invoice;

    public async Task<(IssuedInvoice Invoice, bool Replayed)> IssueOrReplayAsync(InvoiceRequest request, CancellationToken ct)
    {
        Validate(request);
        var hash = Hash(request);
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            // A replay is answered before the seller's sequence row is locked: every invoice of a
            // seller waits for that lock, so it is held for the increment and the insert only. A
            // concurrent first request for the same reference loses on the unique index below and
            // finds the winner here on its next attempt.
            if (await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.SellerId == request.SellerId && i.SourceReference == request.SourceReference, ct) is { } existing)
            {
                if (existing.RequestHash != hash)
                    throw new InvoiceRequestException($"An invoice for '{request.SourceReference}' was already issued with other content.");
                return (ToIssued(existing), true);
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Any failure rolls the whole transaction back: EF's savepoint around SaveChanges would
            // only add round trips while the lock is held.
            db.Database.AutoSavepointsEnabled = false;
            try
            {
                // The write comes first: on SQLite it takes the write lock before any read, so a
                // concurrent issuer waits instead of failing on a stale snapshot.
                // EF keeps GUIDs as upper-case text on SQLite; the raw SQL must match.
                object seller = db.Database.IsNpgsql() ? request.SellerId : request.SellerId.ToString().ToUpperInvariant();
                // The table name is a constant of the context; the seller is a parameter.
                var increment = "UPDATE " + db.SequenceTable + " SET last_number = last_number + 1 WHERE seller_id = {0} RETURNING last_number AS \"Value\"";
                var numbers = await db.Database.SqlQueryRaw<long>(increment, seller).ToListAsync(ct);
                if (numbers.Count == 0)
                {
                    // The seller's first invoice: create its sequence row (or find another issuer's) and take the number.
                    var insert = "INSERT INTO " + db.SequenceTable + " (seller_id, last_number) VALUES ({0}, 0) ON CONFLICT (seller_id) DO NOTHING";
                    await db.Database.ExecuteSqlRawAsync(insert, [seller], ct);
                    numbers = await db.Database.SqlQueryRaw<long>(increment, seller).ToListAsync(ct);
                }
                var sequence = numbers.Single();

                var net = request.Lines.Sum(l => l.Net);
                var tax = request.Lines.Sum(l => l.Tax);
                var invoice = new Invoice
                {
                    Id = Ids.New(),
                    SellerId = request.SellerId,
                    Sequence = sequence,
                    Number = sequence.ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
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
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return (ToIssued(invoice), false);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Two first requests for one reference: the loser's number is rolled back; next time it finds the winner's invoice.
                await tx.RollbackAsync(CancellationToken.None);
            }
            finally
            {
                db.Database.AutoSavepointsEnabled = true;
            }
        }
    }

    static IssuedInvoice ToIssued(Invoice i) => new(i.Id, i.Number, i.Sequence, i.IssuedAt, i.TotalNet, i.TotalTax, i.TotalGross);

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
