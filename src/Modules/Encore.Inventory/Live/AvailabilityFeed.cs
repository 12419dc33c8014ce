using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Encore.BuildingBlocks;
using Encore.BuildingBlocks.Live;
using Encore.Inventory.Holds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encore.Inventory.Live;

/// <summary>
/// What changed on a performance, as its watching pages apply it: seats that are now held,
/// blocked or free, and the standing units held per section. <see cref="Version"/> is the time
/// (ms) the states were read from the hold store; a page keeps, per seat, the newest version it
/// applied, so a message that arrives late (from another instance) never undoes a newer one.
/// </summary>
internal sealed record AvailabilityChange(
    [property: JsonPropertyName("v")] long Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Guid>? Held,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Guid>? Blocked,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<Guid>? Free,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, int>? GaHeld);

/// <summary>
/// Live availability, leader-free: every change this instance makes (a hold, a release, a pool
/// block) marks its seats; a few times a second the instance reads those seats' current claims
/// from the hold store in one call per performance and publishes them to every instance's
/// watchers through <see cref="ILiveBroadcast"/>. Expiries happen inside the store, so each
/// instance also asks the store for the holds that expired on the performances it watches or
/// held on; the store hands each expiry to one caller only, so it is published once. Coalescing
/// bounds the messages a watcher receives to a few per second however busy the on-sale is.
/// </summary>
internal sealed class AvailabilityFeed(IHoldStore store, ILiveBroadcast broadcast, TimeProvider clock, InventoryOptions options, ILogger<AvailabilityFeed> logger)
{
    /// <summary>Outlives any hold placed here: the longest hold, extended once, and a margin.</summary>
    static readonly TimeSpan ActiveAfterTouch = TimeSpan.FromMinutes(InventoryOptions.MaxHoldMinutes * 2 + 1);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    sealed class Pending
    {
        public readonly HashSet<Guid> Seats = [];
        public readonly HashSet<string> Sections = new(StringComparer.Ordinal);
    }

    sealed class Activity
    {
        public int Watchers;
        public DateTimeOffset ActiveUntil;
        public bool Removed;
    }

    readonly ConcurrentDictionary<Guid, Pending> pending = new();
    readonly ConcurrentDictionary<Guid, Activity> active = new();

    public static string Channel(Guid performanceId) => $"availability:{performanceId:D}";

    public TimeSpan Interval => TimeSpan.FromMilliseconds(options.LiveIntervalMilliseconds);

    /// <summary>Seats or standing units of a performance changed here; watchers hear of it within one interval.</summary>
    public void Touch(Guid performanceId, IEnumerable<Guid> seatIds, string? section = null)
    {
        var entry = pending.GetOrAdd(performanceId, _ => new Pending());
        lock (entry)
        {
            entry.Seats.UnionWith(seatIds);
            if (section is not null) entry.Sections.Add(section);
        }
        var until = clock.GetUtcNow() + ActiveAfterTouch;
        Update(performanceId, a => a.ActiveUntil = until);
    }

    /// <summary>Changes a performance's activity; one the round has just retired is replaced by a fresh one.</summary>
    Activity Update(Guid performanceId, Action<Activity> update)
    {
        while (true)
        {
            var activity = active.GetOrAdd(performanceId, _ => new Activity());
            lock (activity)
            {
                if (activity.Removed) continue;
                update(activity);
                return activity;
            }
        }
    }

    /// <summary>A page watches the performance on this instance: its expiries are looked for while the handle lives.</summary>
    public IDisposable Watch(Guid performanceId)
    {
        var activity = Update(performanceId, a => a.Watchers++);
        return new Watcher(() => { lock (activity) activity.Watchers--; });
    }

    sealed class Watcher(Action dispose) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) dispose();
        }
    }

    /// <summary>One round: collect expiries of active performances, then publish every pending change.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var (performanceId, activity) in active)
        {
            lock (activity)
            {
                if (activity.Watchers <= 0 && activity.ActiveUntil <= now)
                {
                    activity.Removed = true;
                    active.TryRemove(new KeyValuePair<Guid, Activity>(performanceId, activity));
                }
                if (activity.Removed) continue;
            }
            try
            {
                var expired = await store.TakeExpiredAsync(performanceId, ct);
                if (expired.IsEmpty) continue;
                var entry = pending.GetOrAdd(performanceId, _ => new Pending());
                lock (entry)
                {
                    entry.Seats.UnionWith(expired.SeatIds);
                    entry.Sections.UnionWith(expired.Sections);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not collect expired holds of performance {PerformanceId}", performanceId);
            }
        }

        foreach (var performanceId in pending.Keys)
        {
            if (!pending.TryRemove(performanceId, out var entry)) continue;
            List<Guid> seats;
            List<string> sections;
            lock (entry)
            {
                seats = [.. entry.Seats];
                sections = [.. entry.Sections];
            }
            if (seats.Count == 0 && sections.Count == 0) continue;
            try
            {
                await PublishAsync(performanceId, seats, sections, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Watchers reconcile by refetching availability when they reconnect; a lost message only delays them.
                logger.LogWarning(ex, "Could not publish availability of performance {PerformanceId}", performanceId);
            }
        }
    }

    async Task PublishAsync(Guid performanceId, List<Guid> seats, List<string> sections, CancellationToken ct)
    {
        var version = clock.GetUtcNow().ToUnixTimeMilliseconds();
        ClaimSnapshot claims;
        try
        {
            claims = await store.ClaimsOfAsync(performanceId, seats, sections, ct);
        }
        catch (PerformanceNotLoadedException)
        {
            return;
        }
        var held = seats.Where(claims.HeldSeats.Contains).ToList();
        var blocked = seats.Where(claims.PoolSeats.ContainsKey).ToList();
        var free = seats.Where(s => !claims.IsClaimed(s)).ToList();
        var change = new AvailabilityChange(version,
            held.Count > 0 ? held : null, blocked.Count > 0 ? blocked : null, free.Count > 0 ? free : null,
            sections.Count > 0 ? claims.StandingHeld : null);
        await broadcast.PublishAsync(Channel(performanceId), JsonSerializer.Serialize(change, Json));
    }
}

/// <summary>Runs the feed's rounds on every instance; no leader is needed (see <see cref="AvailabilityFeed"/>).</summary>
internal sealed class AvailabilityFeedService(AvailabilityFeed feed, TimeProvider clock, ILogger<AvailabilityFeedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await Pause.NextPassAsync(feed.Interval, clock, stoppingToken)) return;
            try
            {
                await feed.TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The availability feed's round failed");
            }
        }
    }
}
