using Encore.BuildingBlocks.Outbox;
using Encore.Contracts.Catalog;
using Encore.Contracts.Inventory;
using Encore.Contracts.MoneyFlow;
using Encore.Contracts.Orders;
using Encore.Contracts.Payments;
using Encore.Contracts.Tax;
using Encore.Orders.Http;
using Encore.Orders.Model;
using Encore.Orders.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Encore.Orders.Checkout;

internal abstract record CreateOutcome
{
    public sealed record Created(Order Order) : CreateOutcome;
    /// <summary>The hold already has an order (a page reload, a retry without a key).</summary>
    public sealed record Existing(Order Order) : CreateOutcome;
    public sealed record Refused(int Status, string Title, string Detail) : CreateOutcome;
}

internal abstract record PayOutcome
{
    public sealed record Done(Order Order) : PayOutcome;
    public sealed record Refused(int Status, string Title, string Detail) : PayOutcome;
}

/// <summary>
/// The checkout workflow the API, the pages and the payment-event consumer share: an order from a
/// live hold, then authorize → one database transaction that sells the places → capture.
/// </summary>
internal sealed partial class CheckoutService(
    OrdersDbContext db, IHoldCheckout holds, ICatalogCheckoutSource catalog, OrderPricing pricing, IPaymentService payments,
    TimeProvider clock, OrdersOptions options, ILogger<CheckoutService> logger)
{
    public async Task<CreateOutcome> CreateAsync(Guid holdId, Buyer buyer, CancellationToken ct)
    {
        if (await db.Orders.Include(o => o.Admissions).SingleOrDefaultAsync(o => o.HoldId == holdId, ct) is { } existing)
            return existing.BuyerId == buyer.Id
                ? new CreateOutcome.Existing(existing)
                : new CreateOutcome.Refused(404, "Not found", $"No live hold {holdId} of yours.");

        var hold = await holds.GetLiveHoldAsync(holdId, buyer.Id, ct);
        if (hold is null) return new CreateOutcome.Refused(404, "Not found", $"No live hold {holdId} of yours.");
        var ev = await catalog.GetEventAsync(hold.EventId, ct);
        if (ev is null || ev.Cancelled) return new CreateOutcome.Refused(409, "Event cancelled", "This event was cancelled; nothing can be bought.");

        // A place sold since the hold was placed (the hold store lost its state, or the inventory has
        // not heard of the sale yet) is refused now rather than at payment.
        var heldSeats = hold.Items.Where(i => i.SeatId is not null).Select(i => i.SeatId!.Value).ToList();
        if (heldSeats.Count > 0 && await db.SoldSeats.AnyAsync(s => s.PerformanceId == hold.PerformanceId && heldSeats.Contains(s.SeatId), ct))
            return new CreateOutcome.Refused(409, "Seats no longer available", "Some of these seats were just sold; choose others.");
        foreach (var area in hold.Items.Where(i => i.SeatId is null))
            if (await db.SoldStanding.AnyAsync(s => s.PerformanceId == hold.PerformanceId && s.SectionCode == area.SectionCode && s.Sold + area.Quantity > s.Capacity, ct))
                return new CreateOutcome.Refused(409, "Seats no longer available", "Not enough standing places are left; choose fewer.");

        var places = hold.Items.SelectMany(item => Enumerable.Range(0, item.Quantity).Select(_ => (Id: BuildingBlocks.Ids.New(), Item: item))).ToList();
        PriceBreakdown price;
        try
        {
            price = await pricing.PriceAsync(new PricingRequest(
                hold.OrganizerId, hold.Currency, new TaxAddress(ev.VenueCountry, ev.VenueRegion, City: ev.VenueCity, Line1: ev.VenueAddress),
                await pricing.FeesForAsync(hold.EventId, ct),
                places.Select(p => new PricingItem(p.Id.ToString("N"), p.Item.UnitPrice)).ToList(),
                DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)), ct);
        }
        catch (TaxRequestException e)
        {
            return new CreateOutcome.Refused(409, "Cannot be priced", "Tax for this event's venue cannot be computed: " + e.Message);
        }
        catch (TaxUnavailableException)
        {
            return new CreateOutcome.Refused(503, "Tax service unavailable", "Prices cannot be computed right now; try again in a minute.");
        }

        var orderId = BuildingBlocks.Ids.New();
        var admissions = places.Zip(price.Admissions, (place, priced) => new OrderAdmission
        {
            Id = place.Id,
            OrderId = orderId,
            SeatId = place.Item.SeatId,
            SectionCode = place.Item.SectionCode,
            SectionName = place.Item.SectionName,
            RowLabel = place.Item.RowLabel,
            SeatLabel = place.Item.SeatLabel,
            TierId = place.Item.TierId,
            TierName = place.Item.TierName,
            FaceValue = priced.FaceValue,
            ServiceFee = priced.ServiceFee,
            FacilityFee = priced.FacilityFee,
            FaceTax = priced.FaceTax,
            ServiceFeeTax = priced.ServiceFeeTax,
            FacilityFeeTax = priced.FacilityFeeTax,
            Tax = priced.Tax,
            TaxJurisdiction = priced.Jurisdiction,
            FaceRatePpm = priced.FaceRatePpm,
            ServiceFeeRatePpm = priced.ServiceFeeRatePpm,
            FacilityFeeRatePpm = priced.FacilityFeeRatePpm,
            Total = priced.Total(price.PricesIncludeTax),
        }).ToList();
        var now = clock.GetUtcNow();
        var order = Order.Create(orderId, buyer.Id, buyer.Email, buyer.Name, hold.HoldId, hold.FencingToken, hold.OrganizerId, hold.EventId,
            hold.PerformanceId, ev.Title, ev.Slug, ev.VenueCountry, hold.PerformanceStartsAt, hold.Currency, hold.ExpiresAt, price, admissions, now);
        db.Orders.Add(order);
        db.Transitions.Add(new OrderTransition
        {
            Id = BuildingBlocks.Ids.New(), OrderId = orderId, From = OrderStatus.Pending, To = OrderStatus.Pending,
            Actor = buyer.Id.ToString(), Reason = $"Created from hold {hold.HoldId} (fencing token {hold.FencingToken})", At = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same hold's order was created concurrently: theirs stands.
            db.ChangeTracker.Clear();
            var winner = await db.Orders.Include(o => o.Admissions).SingleAsync(o => o.HoldId == holdId, ct);
            return new CreateOutcome.Existing(winner);
        }
        await EnsureStandingRowsAsync(hold, ct);
        return new CreateOutcome.Created(order);
    }

    /// <summary>
    /// The standing areas' sold counters exist before any confirm needs them, so the confirm
    /// transaction only ever runs a conditional update (a failed insert would abort it on PostgreSQL).
    /// </summary>
    async Task EnsureStandingRowsAsync(CheckoutHold hold, CancellationToken ct)
    {
        foreach (var item in hold.Items.Where(i => i.SeatId is null))
        {
            if (await db.SoldStanding.AnyAsync(s => s.PerformanceId == hold.PerformanceId && s.SectionCode == item.SectionCode, ct))
            {
                await db.SoldStanding.Where(s => s.PerformanceId == hold.PerformanceId && s.SectionCode == item.SectionCode && s.Capacity < item.StandingCapacity)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Capacity, item.StandingCapacity), ct);
                continue;
            }
            db.SoldStanding.Add(new SoldStanding { PerformanceId = hold.PerformanceId, SectionCode = item.SectionCode, Capacity = item.StandingCapacity });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); }
        }
    }

    public Task<Order?> FindAsync(Guid orderId, CancellationToken ct) =>
        db.Orders.Include(o => o.Admissions).SingleOrDefaultAsync(o => o.Id == orderId, ct);

    /// <summary>Authorizes the order's total and, when the gateway agrees at once, confirms it.</summary>
    public async Task<PayOutcome> PayAsync(Guid orderId, Buyer buyer, string paymentMethod, FraudSignals signals, CancellationToken ct)
    {
        var order = await FindAsync(orderId, ct);
        if (order is null || order.BuyerId != buyer.Id) return new PayOutcome.Refused(404, "Not found", $"No order {orderId} of yours.");
        if (order.IsPaid) return new PayOutcome.Done(order);
        if (order.Status == OrderStatus.RequiresAction)
            return new PayOutcome.Refused(409, "Payment in progress", "This order is waiting for your bank's check; finish it or wait for it to fail.");
        if (!order.CanPay) return new PayOutcome.Refused(409, "Order closed", $"This order is {Describe(order.Status)} and can no longer be paid.");
        var now = clock.GetUtcNow();
        if (now >= order.PayBy)
        {
            await ExpireAsync(order.Id, "The hold ended before payment", ct);
            return new PayOutcome.Refused(409, "Order expired", "Your hold ended before payment; choose your tickets again.");
        }

        if (order.Status == OrderStatus.AwaitingPayment && order.PaymentId is { } earlierId
            && await payments.GetAsync(earlierId, ct) is not { State: PaymentState.Failed or PaymentState.Voided or PaymentState.Blocked })
        {
            // An earlier attempt stopped half-way: its instance died, or a store failed before or after
            // the bank answered. It is carried on under its own id: the payments module answers what
            // became of it, or finishes it, and never charges twice.
            var carriedOn = await payments.AuthorizeAsync(Authorization(order, earlierId, paymentMethod, signals), ct);
            return await ApplyAsync(order, carriedOn, buyer.Id.ToString(), ct);
        }

        var earlierAttempt = order.Status == OrderStatus.AwaitingPayment ? order.PaymentId : null;
        var paymentId = order.StartPayment();
        db.Transitions.Add(order.MoveTo(OrderStatus.AwaitingPayment, buyer.Id.ToString(),
            earlierAttempt is null ? $"Payment {paymentId} started" : $"Payment {paymentId} started, replacing {earlierAttempt} that stopped before the gateway decided", now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new PayOutcome.Refused(409, "Order changed", "The order changed while you paid; reload it and try again.");
        }

        var status = await payments.AuthorizeAsync(Authorization(order, paymentId, paymentMethod, signals), ct);
        return await ApplyAsync(order, status, buyer.Id.ToString(), ct);
    }

    static AuthorizePayment Authorization(Order order, Guid paymentId, string paymentMethod, FraudSignals signals) => new(
        paymentId, order.Id, order.BuyerId, order.OrganizerId, order.EventId, order.Total, order.Currency, paymentMethod,
        $"/checkout/{order.Id}/return", signals with { TicketCount = order.Admissions.Count, EventCountry = order.EventCountry });

    /// <summary>
    /// Applies what the gateway says about the order's current attempt: the buyer's return from a
    /// challenge, a payment event, or the authorize call itself. Idempotent: an attempt already
    /// applied, or an old attempt, changes nothing.
    /// </summary>
    public async Task<PayOutcome> ApplyAsync(Guid orderId, PaymentStatus status, string actor, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var order = await FindAsync(orderId, ct);
        if (order is null) return new PayOutcome.Refused(404, "Not found", $"No order {orderId}.");
        return await ApplyAsync(order, status, actor, ct);
    }

    /// <summary>
    /// The same, on the order as this scope last saved it (the pay call's own, not read again): its
    /// concurrency token refuses every save that follows if another instance changed it meanwhile.
    /// </summary>
    async Task<PayOutcome> ApplyAsync(Order order, PaymentStatus status, string actor, CancellationToken ct)
    {
        if (order.PaymentId != status.PaymentId || order.Status is not (OrderStatus.AwaitingPayment or OrderStatus.RequiresAction))
        {
            // Not this attempt's business any more (a replayed event, a stale return); an authorization
            // no order will use is released.
            if (order.PaymentId != status.PaymentId && status.State == PaymentState.Authorized)
                await VoidQuietlyAsync(status.PaymentId, ct);
            return order.Status == OrderStatus.Cancelled && order.FailureMessage is { } why
                ? new PayOutcome.Refused(409, "Seats no longer available", why)
                : new PayOutcome.Done(order);
        }
        var now = clock.GetUtcNow();
        switch (status.State)
        {
            case PaymentState.RequiresAction:
                if (order.Status != OrderStatus.RequiresAction)
                {
                    order.NeedsAction(status.NextActionUrl);
                    db.Transitions.Add(order.MoveTo(OrderStatus.RequiresAction, actor, "The bank asked for a 3-D Secure check", now));
                    await SaveOrConflictAsync(ct);
                }
                return new PayOutcome.Done(order);
            case PaymentState.InReview:
                // Nothing is authorized until an operator approves; PaymentAuthorized or PaymentFailed follows.
                if (order.Status != OrderStatus.RequiresAction)
                {
                    order.NeedsAction(null);
                    db.Transitions.Add(order.MoveTo(OrderStatus.RequiresAction, actor, "Payment held for review", now));
                    await SaveOrConflictAsync(ct);
                }
                return new PayOutcome.Done(order);
            case PaymentState.Failed or PaymentState.Blocked or PaymentState.Voided:
                order.Failed(status.FailureMessage ?? "The payment was declined.");
                db.Transitions.Add(order.MoveTo(OrderStatus.PaymentFailed, actor, $"Payment {status.PaymentId} {status.State}: {status.FailureCode}", now));
                await SaveOrConflictAsync(ct);
                return new PayOutcome.Done(order);
            case PaymentState.Authorized or PaymentState.Captured:
                return await ConfirmAsync(order, status, actor, ct);
            default:
                throw new InvalidOperationException($"Unknown payment state {status.State}.");
        }
    }

    async Task SaveOrConflictAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { db.ChangeTracker.Clear(); }
    }

    /// <summary>
    /// The confirm transaction: every seat under the (performance, seat) key, every standing place
    /// under the capacity condition, the order paid with its transition, OrderPaid and
    /// PaymentCaptured in the outbox — all or nothing. Then capture; a lost place voids instead.
    /// </summary>
    async Task<PayOutcome> ConfirmAsync(Order order, PaymentStatus status, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var lost = await TrySellAsync(order, status, actor, now, ct);
        if (lost is not null)
        {
            db.ChangeTracker.Clear();
            var closed = await FindAsync(order.Id, ct);
            // The buyer's return and the payment event apply one authorization side by side: the one
            // that lost to the other's confirm finds the order paid by this very payment. Voiding it
            // then would void a sold order's payment (and releasing the hold free its sold places).
            if (closed is { IsPaid: true } && closed.PaymentId == status.PaymentId) return new PayOutcome.Done(closed);
            await VoidQuietlyAsync(status.PaymentId, ct);
            if (closed is not null && closed.CanMoveTo(lost.Value.To))
            {
                closed.Failed(lost.Value.Message);
                db.Transitions.Add(closed.MoveTo(lost.Value.To, actor, lost.Value.Reason, clock.GetUtcNow()));
                await SaveOrConflictAsync(ct);
            }
            await holds.ReleaseAsync(order.HoldId, order.BuyerId, ct);
            LogLost(logger, order.Id, lost.Value.Reason);
            return new PayOutcome.Refused(409, lost.Value.Title, lost.Value.Message);
        }

        // The order as the confirm transaction saved it (paid, its token current): no need to read it back.
        var paid = order;
        // The hold stays: its places stay claimed in the hold store until the inventory, handling
        // OrderPaid, has marked them sold there and released it. Released here, they were free in
        // the store until then, and under a flash sale's load other buyers held seats already sold
        // (they learned it only when their payment was voided).
        await CaptureAsync(paid, ct);
        return new PayOutcome.Done(paid);
    }

    readonly record struct Loss(OrderStatus To, string Title, string Message, string Reason);

    async Task<Loss?> TrySellAsync(Order order, PaymentStatus status, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (now >= order.PayBy + TimeSpan.FromMinutes(options.ChallengeGraceMinutes))
            return new Loss(OrderStatus.Expired, "Order expired", "Your hold ended before the payment went through; nothing was charged.", "Authorized after the order's time ran out");
        if (status.Amount != order.Total || status.Currency != order.Currency)
            return new Loss(OrderStatus.Cancelled, "Payment mismatch", "The payment did not match the order; nothing was charged.", $"Authorized {status.Amount} {status.Currency}, order total {order.Total} {order.Currency}");

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Every failure below rolls the whole transaction back, so EF's savepoint around SaveChanges
        // would only add two round trips to every confirm.
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            foreach (var admission in order.Admissions.Where(a => a.SeatId is not null))
                db.SoldSeats.Add(new SoldSeat { PerformanceId = order.PerformanceId, SeatId = admission.SeatId!.Value, OrderId = order.Id, AdmissionId = admission.Id });
            foreach (var area in order.Admissions.Where(a => a.SeatId is null).GroupBy(a => a.SectionCode))
            {
                var quantity = area.Count();
                var sold = await db.SoldStanding
                    .Where(s => s.PerformanceId == order.PerformanceId && s.SectionCode == area.Key && s.Sold + quantity <= s.Capacity)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Sold, x => x.Sold + quantity), ct);
                if (sold != 1)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    return SeatsLost(area.Key);
                }
            }
            order.MarkPaid(now);
            db.Transitions.Add(order.MoveTo(OrderStatus.Paid, actor, $"Payment {status.PaymentId} authorized; places sold", now));
            db.AddToOutbox(new OrderPaid(order.Id, order.BuyerId, order.BuyerEmail, order.BuyerName, order.OrganizerId, order.EventId, order.PerformanceId,
                order.Currency,
                order.Admissions.Select(a => new PaidAdmission(a.Id, a.SeatId, a.SectionCode, a.RowLabel, a.SeatLabel, a.TierId, a.TierName, a.FaceValue)).ToList(),
                now, order.HoldId), clock);
            db.AddToOutbox(new PaymentCaptured(status.PaymentId, order.Id, order.OrganizerId, order.Currency, MoneyOf(order), 0, now), clock);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return new Loss(OrderStatus.Expired, "Order expired", "Your order ended while the payment went through; nothing was charged.", "The order changed during confirm");
        }
        catch (DbUpdateException)
        {
            // The (performance, seat) key refused a seat: another order sold it first.
            await transaction.RollbackAsync(CancellationToken.None);
            return SeatsLost(null);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true;
        }
    }

    static Loss SeatsLost(string? section) => new(OrderStatus.Cancelled, "Seats no longer available",
        "Someone else bought " + (section is null ? "some of your seats" : "the last places in your area") +
        " a moment before you. Your payment was released, nothing was charged.", "Places sold to another order; authorization voided");

    /// <summary>What the ledger posts for the order: net parts and tax by jurisdiction, summing to the total.</summary>
    public static MoneyBreakdown MoneyOf(Order order) => OrderPricing.ToMoney(order.PricesIncludeTax,
        order.Admissions.Select(a => new PricedAdmission(a.Id.ToString("N"), a.FaceValue, a.ServiceFee, a.FacilityFee, a.FaceTax, a.ServiceFeeTax, a.FacilityFeeTax, a.TaxJurisdiction)),
        order.DeliveryFee, order.DeliveryFeeTax, order.DeliveryTaxJurisdiction);

    /// <summary>Captures a paid order's authorization; a failure is left for the maintenance worker to retry.</summary>
    public async Task CaptureAsync(Order order, CancellationToken ct)
    {
        if (order.CapturedAt is not null || order.PaymentId is not { } paymentId) return;
        PaymentStatus captured;
        try
        {
            captured = await payments.CaptureAsync(paymentId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCaptureFailed(logger, e, order.Id);
            order.CaptureFailed();
            await SaveOrConflictAsync(CancellationToken.None);
            return;
        }
        if (captured.State != PaymentState.Captured)
        {
            order.CaptureFailed();
            await SaveOrConflictAsync(ct);
            return;
        }
        for (var pass = 0; pass < 5; pass++)
        {
            var now = clock.GetUtcNow();
            order.MarkCaptured(now);
            if (order.Status == OrderStatus.Paid)
                db.Transitions.Add(order.MoveTo(OrderStatus.Fulfilled, "system:capture", $"Payment {paymentId} captured", now));
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Something else changed the order meanwhile (a refund, say): record the capture on its current state.
                db.ChangeTracker.Clear();
                if (await FindAsync(order.Id, ct) is not { CapturedAt: null } fresh) return;
                order = fresh;
            }
        }
    }

    /// <summary>Ends an unpaid order (its hold ran out, or the buyer cancelled), voiding any authorization.</summary>
    public async Task<bool> ExpireAsync(Guid orderId, string reason, CancellationToken ct, OrderStatus to = OrderStatus.Expired, string actor = "system:expiry")
    {
        db.ChangeTracker.Clear();
        var order = await FindAsync(orderId, ct);
        if (order is null || !order.CanMoveTo(to) || order.IsPaid) return false;
        var paymentId = order.PaymentId;
        var hadAttempt = order.Status is OrderStatus.AwaitingPayment or OrderStatus.RequiresAction;
        db.Transitions.Add(order.MoveTo(to, actor, reason, clock.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
        if (hadAttempt && paymentId is { } id) await VoidQuietlyAsync(id, ct);
        await holds.ReleaseAsync(order.HoldId, order.BuyerId, ct);
        return true;
    }

    async Task VoidQuietlyAsync(Guid paymentId, CancellationToken ct)
    {
        try
        {
            await payments.VoidAsync(paymentId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An authorization that is not voided runs out at the gateway by itself (Stripe: 7 days).
            LogVoidFailed(logger, e, paymentId);
        }
    }

    public static string Describe(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "waiting for payment",
        OrderStatus.AwaitingPayment => "being paid",
        OrderStatus.RequiresAction => "waiting for your bank's check",
        OrderStatus.Paid => "paid",
        OrderStatus.Fulfilled => "paid and complete",
        OrderStatus.Expired => "expired",
        OrderStatus.PaymentFailed => "waiting for another payment attempt",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Refunded => "refunded",
        OrderStatus.PartiallyRefunded => "partly refunded",
        _ => status.ToString(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} lost its places at confirm: {Reason}")]
    static partial void LogLost(ILogger logger, Guid orderId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Capture of order {OrderId} failed; the maintenance worker retries it")]
    static partial void LogCaptureFailed(ILogger logger, Exception exception, Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Voiding payment {PaymentId} failed; the authorization runs out at the gateway")]
    static partial void LogVoidFailed(ILogger logger, Exception exception, Guid paymentId);
}
