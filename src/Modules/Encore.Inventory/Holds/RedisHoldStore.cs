using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Encore.Inventory.Model;
using StackExchange.Redis;

namespace Encore.Inventory.Holds;

/// <summary>
/// The scaled hold store: each operation is one Lua script over the keys of one performance, all
/// tagged <c>{perf:&lt;id&gt;}</c> so they share a Redis Cluster slot. Redis runs a script to the
/// end before any other command touches those keys, which makes "check every seat, then claim them
/// all" atomic across every app instance. The time comes from the app's TimeProvider, so tests
/// drive expiry with a fake clock; instances' clocks are assumed to agree within a second.
/// See docs/inventory.md for the keys.
/// </summary>
internal sealed class RedisHoldStore(IConnectionMultiplexer redis, TimeProvider clock) : IHoldStore
{
    static readonly TimeSpan IdempotencyLifetime = TimeSpan.FromHours(24);
    static readonly string InitScript = Script("init");
    static readonly string HoldScript = Script("hold");
    static readonly string GetScript = Script("get");
    static readonly string ReplayScript = Script("replay");
    static readonly string ReleaseScript = Script("release");
    static readonly string ExtendScript = Script("extend");
    static readonly string SnapshotScript = Script("snapshot");
    static readonly string BlockScript = Script("block");
    static readonly string UnblockScript = Script("unblock");
    static readonly string ClaimsScript = Script("claims");
    static readonly string TakeExpiredScript = Script("take_expired");
    static readonly string SoldScript = Script("sold");
    static readonly string SoldClockScript = Script("sold_clock");

    IDatabase Db => redis.GetDatabase();

    static string Script(string name)
    {
        static string Read(string file)
        {
            var assembly = typeof(RedisHoldStore).Assembly;
            using var stream = assembly.GetManifestResourceStream($"Encore.Inventory.Holds.Lua.{file}.lua")
                ?? throw new InvalidOperationException($"Lua script {file} is not embedded.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        return Read("common") + "\n" + Read(name);
    }

    static string Tag(Guid performanceId) => $"enc:inv:{{perf:{performanceId:D}}}";

    static RedisKey[] Keys(Guid performanceId, string? idempotencyKey = null)
    {
        var tag = Tag(performanceId);
        var keys = new List<RedisKey>
        {
            tag + ":seat", tag + ":ga", tag + ":exp", tag + ":holds", tag + ":buyers", tag + ":fence", tag + ":init", tag + ":expired",
            tag + ":bought",
        };
        if (idempotencyKey is not null) keys.Add(tag + ":idem:" + idempotencyKey);
        return [.. keys];
    }

    /// <summary>Finds a hold's performance from its id alone; a separate key, since it cannot share every performance's slot.</summary>
    static RedisKey IndexKey(Guid holdId) => $"enc:inv:hold:{holdId:D}";

    long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    async Task<RedisResult> RunAsync(string script, Guid performanceId, RedisKey[] keys, RedisValue[] args)
    {
        var result = await Db.ScriptEvaluateAsync(script, keys, args);
        if (result.Resp2Type == ResultType.Array && result.Length == 1 && result[0].Resp2Type == ResultType.BulkString && (string?)result[0] == "uninit")
            throw new PerformanceNotLoadedException(performanceId);
        return result;
    }

    public async Task InitializeAsync(Guid performanceId, IReadOnlyDictionary<Guid, InventoryPool> poolSeats, SoldState sold, CancellationToken ct)
    {
        var args = new List<RedisValue> { "init", poolSeats.Count + sold.Sold.Count };
        foreach (var (seat, pool) in poolSeats)
        {
            args.Add(seat.ToString("D"));
            args.Add("pool:" + pool);
        }
        foreach (var seat in sold.Sold)
        {
            args.Add(seat.ToString("D"));
            args.Add("sold");
        }
        AddCounts(args, sold);
        await Db.ScriptEvaluateAsync(InitScript, Keys(performanceId), [.. args]);
    }

    public async Task SetSoldAsync(Guid performanceId, SoldState update, CancellationToken ct)
    {
        var args = new List<RedisValue> { update.Version, update.Sold.Count };
        args.AddRange(update.Sold.Select(s => (RedisValue)s.ToString("D")));
        args.Add(update.Unsold.Count);
        args.AddRange(update.Unsold.Select(s => (RedisValue)s.ToString("D")));
        AddCounts(args, update);
        await RunAsync(SoldScript, performanceId, [.. Keys(performanceId), Tag(performanceId) + ":soldver"], [.. args]);
    }

    public bool VersionsSoldUpdates => true;

    public async Task<long> NextSoldVersionAsync(Guid performanceId, CancellationToken ct) =>
        (long)await RunAsync(SoldClockScript, performanceId, [.. Keys(performanceId), Tag(performanceId) + ":soldclock"], []);

    /// <summary>The count of standing sections, their (section, units sold) pairs, then (buyer id, places bought) pairs.</summary>
    static void AddCounts(List<RedisValue> args, SoldState sold)
    {
        args.Add(sold.StandingSold.Count);
        foreach (var (section, units) in sold.StandingSold)
        {
            args.Add(section);
            args.Add(units);
        }
        foreach (var (buyer, places) in sold.Bought)
        {
            args.Add(buyer.ToString("D"));
            args.Add(places);
        }
    }

    public async Task<HoldOutcome> HoldAsync(HoldRequest request, CancellationToken ct)
    {
        var args = new List<RedisValue>
        {
            Now, request.HoldId.ToString("D"), request.BuyerId.ToString("D"), (long)request.Ttl.TotalMilliseconds, request.BuyerLimit,
            request.IdempotencyKey is null ? "0" : "1", request.RequestHash, (long)IdempotencyLifetime.TotalMilliseconds,
        };
        if (request.Standing is { } standing)
        {
            args.Add("ga");
            args.Add(standing.Section);
            args.Add(standing.Quantity);
            args.Add(standing.Capacity);
        }
        else
        {
            args.Add("seats");
            args.AddRange(request.SeatIds.Select(s => (RedisValue)s.ToString("D")));
        }
        // A throwaway name keeps the key count fixed when there is no idempotency key.
        var idempotency = request.IdempotencyKey is { } key ? KeyName(request.BuyerId, key) : "-";
        // The index is written beside the script, not after it: one round trip's wait instead of two. It
        // outlives the hold and one extension; an entry for a hold that was refused or is gone points at nothing.
        var index = Db.StringSetAsync(IndexKey(request.HoldId), request.PerformanceId.ToString("D"), request.Ttl * 2 + TimeSpan.FromMinutes(5));
        var result = await RunAsync(HoldScript, request.PerformanceId, Keys(request.PerformanceId, idempotency), [.. args]);
        await index;

        if (KeyOutcome(result, request.PerformanceId) is { } replayed) return replayed;
        var status = (string?)result[0];
        switch (status)
        {
            case "ok":
                return new HoldOutcome.Placed(Parse((string)result[1]!, request.PerformanceId), Replayed: false);
            case "limit":
                return new HoldOutcome.OverLimit(request.BuyerLimit, int.Parse((string)result[1]!, CultureInfo.InvariantCulture));
            case "short":
                return new HoldOutcome.NotEnoughLeft(int.Parse((string)result[1]!, CultureInfo.InvariantCulture));
            case "taken":
                return new HoldOutcome.SeatsTaken(((RedisResult[])result!).Skip(1).Select(r => Guid.Parse((string)r!)).ToList());
            default:
                throw new InvalidOperationException($"The hold script answered '{status}'.");
        }
    }

    /// <summary>An idempotency key is scoped to its buyer.</summary>
    static string KeyName(Guid buyerId, string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{buyerId:D}:{key}")));

    /// <summary>The answer of the scripts' replay_of: a replayed hold or a reused key; null for any other answer.</summary>
    static HoldOutcome? KeyOutcome(RedisResult result, Guid performanceId) => (string?)result[0] switch
    {
        "replay" => new HoldOutcome.Placed(Parse((string)result[1]!, performanceId), Replayed: true),
        "keyreused" => new HoldOutcome.KeyReused(HoldGone: (string?)result[1] == "1"),
        _ => null,
    };

    public async Task<HoldOutcome?> ReplayAsync(Guid performanceId, Guid buyerId, string idempotencyKey, string requestHash, CancellationToken ct)
    {
        var result = await RunAsync(ReplayScript, performanceId, Keys(performanceId, KeyName(buyerId, idempotencyKey)),
            [Now, buyerId.ToString("D"), requestHash]);
        return result.IsNull || result.Resp2Type != ResultType.Array ? null : KeyOutcome(result, performanceId);
    }

    async Task<Guid?> PerformanceOfAsync(Guid holdId)
    {
        var value = await Db.StringGetAsync(IndexKey(holdId));
        return value.HasValue && Guid.TryParse((string?)value, out var id) ? id : null;
    }

    public async Task<Hold?> GetAsync(Guid holdId, CancellationToken ct)
    {
        if (await PerformanceOfAsync(holdId) is not { } performanceId) return null;
        // A performance the store lost has no live holds.
        var result = await Db.ScriptEvaluateAsync(GetScript, Keys(performanceId), [Now, holdId.ToString("D")]);
        return result.Resp2Type == ResultType.BulkString && !result.IsNull ? Parse((string)result!, performanceId) : null;
    }

    public async Task<Hold?> ReleaseAsync(Guid holdId, Guid buyerId, CancellationToken ct)
    {
        if (await PerformanceOfAsync(holdId) is not { } performanceId) return null;
        var result = await Db.ScriptEvaluateAsync(ReleaseScript, Keys(performanceId), [Now, holdId.ToString("D"), buyerId.ToString("D")]);
        if (result.Resp2Type != ResultType.BulkString || result.IsNull) return null;
        // Nobody waits for the index's tidying: a stale entry only points at a hold that is gone.
        Db.KeyDelete(IndexKey(holdId), CommandFlags.FireAndForget);
        return Parse((string)result!, performanceId);
    }

    public async Task<ExtendOutcome> ExtendAsync(Guid holdId, Guid buyerId, CancellationToken ct)
    {
        if (await PerformanceOfAsync(holdId) is not { } performanceId) return new ExtendOutcome.NotFound();
        var result = await Db.ScriptEvaluateAsync(ExtendScript, Keys(performanceId), [Now, holdId.ToString("D"), buyerId.ToString("D")]);
        return (string?)result[0] switch
        {
            "ok" => new ExtendOutcome.Extended(Parse((string)result[1]!, performanceId)),
            "already" => new ExtendOutcome.AlreadyExtended(Parse((string)result[1]!, performanceId)),
            _ => new ExtendOutcome.NotFound(),
        };
    }

    public async Task<ClaimSnapshot> SnapshotAsync(Guid performanceId, CancellationToken ct)
    {
        var result = await RunAsync(SnapshotScript, performanceId, Keys(performanceId), [Now]);
        var seats = (RedisResult[])result[0]!;
        var standing = (RedisResult[])result[1]!;
        var held = new HashSet<Guid>();
        var pools = new Dictionary<Guid, InventoryPool>();
        for (var i = 0; i < seats.Length; i += 2)
        {
            var seat = Guid.Parse((string)seats[i]!);
            var claim = (string)seats[i + 1]!;
            if (claim is "held" or "sold") held.Add(seat);
            else pools[seat] = Enum.Parse<InventoryPool>(claim["pool:".Length..]);
        }
        var ga = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < standing.Length; i += 2)
        {
            // Sold units count as taken, like held ones.
            var field = (string)standing[i]!;
            var section = field.StartsWith("sold:", StringComparison.Ordinal) ? field["sold:".Length..] : field;
            ga[section] = ga.GetValueOrDefault(section) + int.Parse((string)standing[i + 1]!, CultureInfo.InvariantCulture);
        }
        return new ClaimSnapshot(held, pools, ga);
    }

    public async Task<BlockOutcome> BlockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct)
    {
        var args = new List<RedisValue> { Now, pool.ToString() };
        args.AddRange(seatIds.Select(s => (RedisValue)s.ToString("D")));
        var result = await RunAsync(BlockScript, performanceId, Keys(performanceId), [.. args]);
        return (string?)result[0] == "ok"
            ? new BlockOutcome.Blocked()
            : new BlockOutcome.SeatsTaken(((RedisResult[])result!).Skip(1).Select(r => Guid.Parse((string)r!)).ToList());
    }

    public async Task UnblockAsync(Guid performanceId, InventoryPool pool, IReadOnlyList<Guid> seatIds, CancellationToken ct)
    {
        var args = new List<RedisValue> { Now, pool.ToString() };
        args.AddRange(seatIds.Select(s => (RedisValue)s.ToString("D")));
        await RunAsync(UnblockScript, performanceId, Keys(performanceId), [.. args]);
    }

    public async Task<ClaimSnapshot> ClaimsOfAsync(Guid performanceId, IReadOnlyCollection<Guid> seatIds, IReadOnlyCollection<string> sections, CancellationToken ct)
    {
        var args = new List<RedisValue> { Now, seatIds.Count };
        args.AddRange(seatIds.Select(s => (RedisValue)s.ToString("D")));
        args.AddRange(sections.Select(s => (RedisValue)s));
        var result = await RunAsync(ClaimsScript, performanceId, Keys(performanceId), [.. args]);
        var states = (RedisResult[])result[0]!;
        var units = (RedisResult[])result[1]!;
        var held = new HashSet<Guid>();
        var pools = new Dictionary<Guid, InventoryPool>();
        var i = 0;
        foreach (var seat in seatIds)
        {
            var state = (string)states[i++]!;
            if (state is "held" or "sold") held.Add(seat);
            else if (state.StartsWith("pool:", StringComparison.Ordinal)) pools[seat] = Enum.Parse<InventoryPool>(state["pool:".Length..]);
        }
        var ga = new Dictionary<string, int>(StringComparer.Ordinal);
        i = 0;
        foreach (var section in sections) ga[section] = int.Parse((string)units[i++]!, CultureInfo.InvariantCulture);
        return new ClaimSnapshot(held, pools, ga);
    }

    public async Task<ExpiredClaims> TakeExpiredAsync(Guid performanceId, CancellationToken ct)
    {
        RedisResult result;
        try
        {
            result = await RunAsync(TakeExpiredScript, performanceId, Keys(performanceId), [Now]);
        }
        catch (PerformanceNotLoadedException)
        {
            // Redis lost the performance, and its holds with it: nothing is left to expire.
            return ExpiredClaims.None;
        }
        var seats = ((RedisResult[])result[0]!).Select(r => Guid.Parse((string)r!)).ToList();
        var sections = ((RedisResult[])result[1]!).Select(r => (string)r!).ToList();
        return new ExpiredClaims(seats, sections);
    }

    static Hold Parse(string json, Guid performanceId)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var seats = root.GetProperty("seats");
        // cjson writes an empty Lua table as {}, not [].
        var seatIds = seats.ValueKind == JsonValueKind.Array ? seats.EnumerateArray().Select(s => Guid.Parse(s.GetString()!)).ToList() : [];
        var section = root.GetProperty("section");
        return new Hold(
            Guid.Parse(root.GetProperty("id").GetString()!),
            performanceId,
            Guid.Parse(root.GetProperty("buyer").GetString()!),
            seatIds,
            section.ValueKind == JsonValueKind.String ? section.GetString() : null,
            root.GetProperty("qty").GetInt32(),
            root.GetProperty("token").GetInt64(),
            DateTimeOffset.FromUnixTimeMilliseconds((long)root.GetProperty("created").GetDouble()),
            DateTimeOffset.FromUnixTimeMilliseconds((long)root.GetProperty("expires").GetDouble()),
            root.GetProperty("extended").GetInt32() == 1,
            TimeSpan.FromMilliseconds(root.GetProperty("ttl").GetDouble()));
    }
}
