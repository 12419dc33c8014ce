using StackExchange.Redis;

namespace Encore.WaitingRoom.Queue;

/// <summary>
/// The scaled queue store: each operation is one Lua script over the keys of one queue, all tagged
/// <c>{q:&lt;event id&gt;}</c> so they share a Redis Cluster slot. Redis runs a script to the end
/// before any other command, so "one place per account", "one advance per tick" and "the counter
/// only moves forward" hold across every instance. Layout and memory: docs/waiting-room.md.
/// </summary>
internal sealed class RedisQueueStore(IConnectionMultiplexer redis) : IQueueStore
{
    /// <summary>How long a queue's keys outlive its first join.</summary>
    static readonly long KeyLifetimeSeconds = (long)TimeSpan.FromDays(14).TotalSeconds;
    static readonly string JoinScript = Script("join");
    static readonly string CheckInScript = Script("checkin");
    static readonly string LeaveScript = Script("leave");
    static readonly string SealScript = Script("seal");
    static readonly string OrderScript = Script("order");
    static readonly string AdvanceScript = Script("advance");
    static readonly string CountersScript = Script("counters");

    IDatabase Db => redis.GetDatabase();

    static string Script(string name)
    {
        static string Read(string file)
        {
            using var stream = typeof(RedisQueueStore).Assembly.GetManifestResourceStream($"Encore.WaitingRoom.Queue.Lua.{file}.lua")
                ?? throw new InvalidOperationException($"Lua script {file} is not embedded.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        return Read("common") + "\n" + Read(name);
    }

    static RedisKey[] Keys(Guid queueId)
    {
        var tag = $"enc:wr:{{q:{queueId:D}}}";
        return [tag + ":meta", tag + ":acct", tag + ":seen", tag + ":st", tag + ":perm", tag + ":inv", tag + ":active"];
    }

    static RedisValue Account(Guid accountId) => accountId.ToByteArray();

    static QueueEntry Entry(RedisResult[] r) => new(
        (long)r[0], (long)r[1] is var n && n > 0 ? n : null, (long)r[2], (EntryState)(int)r[3],
        (long)r[4] is var until && until > 0 ? until : null, (long)r[5] == 1);

    public async Task<JoinOutcome> JoinAsync(Guid queueId, QueueRules rules, Guid accountId, bool held, long nowMs)
    {
        var r = (RedisResult[])(await Db.ScriptEvaluateAsync(JoinScript, Keys(queueId),
            [Account(accountId), nowMs, held ? 1 : 0, rules.MaxSize, KeyLifetimeSeconds]))!;
        if (r[0].Resp2Type == ResultType.BulkString && (string?)r[0] == "full") return new JoinOutcome.Full((long)r[1]);
        return new JoinOutcome.Joined(Entry(r), (long)r[6] == 1);
    }

    public async Task<QueueEntry?> CheckInAsync(Guid queueId, Guid accountId, bool held, bool touch, long nowMs)
    {
        var r = (RedisResult[])(await Db.ScriptEvaluateAsync(CheckInScript, Keys(queueId),
            [Account(accountId), nowMs, held ? 1 : 0, touch ? 1 : 0]))!;
        return r.Length == 0 ? null : Entry(r);
    }

    public async Task<bool> LeaveAsync(Guid queueId, Guid accountId, long nowMs) =>
        (long)(await Db.ScriptEvaluateAsync(LeaveScript, Keys(queueId), [Account(accountId), nowMs])) == 1;

    public async Task<SealState> SealAsync(Guid queueId, long startsAtMs, long nowMs)
    {
        var r = (RedisResult[])(await Db.ScriptEvaluateAsync(SealScript, Keys(queueId), [nowMs, startsAtMs, KeyLifetimeSeconds]))!;
        return new SealState((long)r[0] == 1, (long)r[1] == 1, (long)r[2]);
    }

    public async Task SetOrderAsync(Guid queueId, int[] numbers)
    {
        var perm = new byte[numbers.Length * 4];
        var inv = new byte[numbers.Length * 4];
        for (var i = 0; i < numbers.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(perm.AsSpan(i * 4), numbers[i]);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(inv.AsSpan((numbers[i] - 1) * 4), i + 1);
        }
        await Db.ScriptEvaluateAsync(OrderScript, Keys(queueId), [perm, inv]);
    }

    public async Task<AdvanceResult> AdvanceAsync(Guid queueId, QueueRules rules, long nowMs, long tickMs, int maxScan)
    {
        var r = (RedisResult[])(await Db.ScriptEvaluateAsync(AdvanceScript, Keys(queueId),
        [
            nowMs, rules.Mode == QueueMode.Capacity ? "capacity" : "pace", rules.AdmitPerMinute, rules.MaxActive,
            rules.TokenLifetimeMs, rules.CheckInMs, tickMs, maxScan,
        ]))!;
        return new AdvanceResult((long)r[0] == 1, (long)r[1], (int)r[2], (int)r[3]);
    }

    public async Task<QueueCounters> CountersAsync(Guid queueId, long nowMs)
    {
        var r = (RedisResult[])(await Db.ScriptEvaluateAsync(CountersScript, Keys(queueId), [nowMs]))!;
        return new QueueCounters((long)r[0] == 1, (long)r[1] == 1, (long)r[2], (long)r[3], (long)r[4], (long)r[5], (long)r[6], (long)r[7], (long)r[8]);
    }
}
