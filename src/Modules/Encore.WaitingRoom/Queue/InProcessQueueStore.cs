using System.Collections.Concurrent;

namespace Encore.WaitingRoom.Queue;

/// <summary>
/// The embedded queue store: per queue, one lock around flat arrays indexed by entry (last check-in
/// in Unix seconds, one state byte, the drawn numbers) and a dictionary from account to entry. About
/// 45 bytes per entry, so 100,000 queued cost a few megabytes. The same rules as the Redis scripts.
/// </summary>
internal sealed class InProcessQueueStore : IQueueStore
{
    readonly ConcurrentDictionary<Guid, Line> lines = new();

    Line For(Guid queueId) => lines.GetOrAdd(queueId, _ => new Line());

    public Task<JoinOutcome> JoinAsync(Guid queueId, QueueRules rules, Guid accountId, bool held, long nowMs)
    {
        var line = For(queueId);
        lock (line.Gate)
        {
            if (line.Accounts.TryGetValue(accountId, out var slot))
            {
                var state = line.State(slot);
                if (state is EntryState.Waiting or EntryState.Held || (state == EntryState.Admitted && line.IsActive(slot, nowMs)))
                {
                    line.Touch(slot, held, nowMs);
                    return Task.FromResult<JoinOutcome>(new JoinOutcome.Joined(line.Entry(slot, nowMs), false));
                }
            }
            if (line.Waiting >= rules.MaxSize) return Task.FromResult<JoinOutcome>(new JoinOutcome.Full(line.Waiting));
            slot = ++line.Slots;
            line.Grow(slot);
            line.Waiting++;
            line.Accounts[accountId] = slot;
            line.States[slot - 1] = (byte)(held ? EntryState.Held : EntryState.Waiting);
            line.Seen[slot - 1] = Seconds(nowMs);
            return Task.FromResult<JoinOutcome>(new JoinOutcome.Joined(line.Entry(slot, nowMs), true));
        }
    }

    public Task<QueueEntry?> CheckInAsync(Guid queueId, Guid accountId, bool held, bool touch, long nowMs)
    {
        var line = For(queueId);
        lock (line.Gate)
        {
            if (!line.Accounts.TryGetValue(accountId, out var slot)) return Task.FromResult<QueueEntry?>(null);
            if (touch) line.Touch(slot, held, nowMs);
            return Task.FromResult<QueueEntry?>(line.Entry(slot, nowMs));
        }
    }

    public Task<bool> LeaveAsync(Guid queueId, Guid accountId, long nowMs)
    {
        var line = For(queueId);
        lock (line.Gate)
        {
            if (!line.Accounts.TryGetValue(accountId, out var slot)) return Task.FromResult(false);
            var state = line.State(slot);
            if (state is EntryState.Waiting or EntryState.Held)
            {
                // An entry the counter already passed was taken off the waiting count then.
                if (!(line.NumberOf(slot) is { } number && number <= line.Serving)) line.Waiting--;
                line.States[slot - 1] = (byte)EntryState.Left;
                return Task.FromResult(true);
            }
            if (state == EntryState.Admitted)
            {
                line.Active.Remove(slot);
                line.States[slot - 1] = (byte)EntryState.Left;
                return Task.FromResult(true);
            }
            return Task.FromResult(false);
        }
    }

    public Task<SealState> SealAsync(Guid queueId, long startsAtMs, long nowMs)
    {
        var line = For(queueId);
        lock (line.Gate)
        {
            if (nowMs < startsAtMs) return Task.FromResult(new SealState(false, false, 0));
            if (!line.Sealed)
            {
                line.Sealed = true;
                line.Pre = line.Slots;
                if (line.Pre == 0) line.Ordered = true;
            }
            return Task.FromResult(new SealState(true, line.Ordered, line.Pre));
        }
    }

    public Task SetOrderAsync(Guid queueId, int[] numbers)
    {
        var line = For(queueId);
        lock (line.Gate)
        {
            if (line.Ordered || !line.Sealed || numbers.Length != line.Pre) return Task.CompletedTask;
            line.Perm = (int[])numbers.Clone();
            line.Inv = new int[numbers.Length];
            for (var i = 0; i < numbers.Length; i++) line.Inv[numbers[i] - 1] = i + 1;
            line.Ordered = true;
            return Task.CompletedTask;
        }
    }

    public Task<AdvanceResult> AdvanceAsync(Guid queueId, QueueRules rules, long nowMs, long tickMs, int maxScan)
    {
        var line = For(queueId);
        lock (line.Gate)
        {
            if (!line.Ordered || nowMs < line.LockUntilMs) return Task.FromResult(new AdvanceResult(false, line.Serving, 0, 0));
            line.LockUntilMs = nowMs + tickMs - tickMs / 10;

            foreach (var (slot, until) in line.Active.ToList())
                if (until <= nowMs) line.Active.Remove(slot);

            double budget;
            if (rules.Mode == QueueMode.Capacity) budget = rules.MaxActive - line.Active.Count;
            else
            {
                var elapsed = line.LastAdvanceMs == 0 ? tickMs : Math.Max(0, nowMs - line.LastAdvanceMs);
                line.Credit = Math.Min(line.Credit + elapsed * rules.AdmitPerMinute / 60_000.0, PaceCap(rules, tickMs));
                budget = line.Credit;
            }

            int admitted = 0, skipped = 0, scanned = 0;
            while (budget >= 1 && line.Serving < line.Slots && scanned < maxScan)
            {
                var number = line.Serving + 1;
                var slot = number <= line.Pre ? line.Inv![number - 1] : (int)number;
                switch (line.State(slot))
                {
                    case EntryState.Waiting when (long)line.Seen[slot - 1] * 1000 >= nowMs - rules.CheckInMs:
                        line.States[slot - 1] = (byte)EntryState.Admitted;
                        line.Active[slot] = nowMs + rules.TokenLifetimeMs;
                        admitted++;
                        budget--;
                        line.Waiting--;
                        break;
                    case EntryState.Waiting:
                        line.States[slot - 1] = (byte)EntryState.Expired;
                        skipped++;
                        line.Waiting--;
                        break;
                    case EntryState.Held:
                        line.Waiting--;
                        break;
                }
                line.Serving = number;
                scanned++;
            }
            if (rules.Mode == QueueMode.Pace) line.Credit -= admitted;
            line.LastAdvanceMs = nowMs;
            line.AdmittedTotal += admitted;
            line.ExpiredTotal += skipped;
            return Task.FromResult(new AdvanceResult(true, line.Serving, admitted, skipped));
        }
    }

    public Task<QueueCounters> CountersAsync(Guid queueId, long nowMs)
    {
        var line = For(queueId);
        lock (line.Gate)
        {
            var active = line.Active.Values.Count(until => until > nowMs);
            return Task.FromResult(new QueueCounters(line.Sealed, line.Ordered, line.Pre, line.Slots, line.Serving, line.Waiting, active, line.AdmittedTotal, line.ExpiredTotal));
        }
    }

    /// <summary>
    /// Unused admissions carry over at most two ticks' worth: an instance that paused must not let
    /// a burst in when it resumes.
    /// </summary>
    internal static double PaceCap(QueueRules rules, long tickMs) => Math.Max(1, rules.AdmitPerMinute * tickMs * 2 / 60_000.0);

    static uint Seconds(long ms) => (uint)(ms / 1000);

    sealed class Line
    {
        public readonly Lock Gate = new();
        public readonly Dictionary<Guid, int> Accounts = [];
        public readonly Dictionary<int, long> Active = [];
        public uint[] Seen = new uint[256];
        public byte[] States = new byte[256];
        public int[]? Perm;
        public int[]? Inv;
        public int Slots;
        public int Pre;
        public bool Sealed;
        public bool Ordered;
        public long Serving;
        public long Waiting;
        public long AdmittedTotal;
        public long ExpiredTotal;
        public double Credit;
        public long LastAdvanceMs;
        public long LockUntilMs;

        public void Grow(int slot)
        {
            if (slot <= Seen.Length) return;
            var size = Math.Max(slot, Seen.Length * 2);
            Array.Resize(ref Seen, size);
            Array.Resize(ref States, size);
        }

        public EntryState State(int slot) => (EntryState)States[slot - 1];

        public bool IsActive(int slot, long nowMs) => Active.TryGetValue(slot, out var until) && until > nowMs;

        public long? NumberOf(int slot) =>
            !Sealed ? null
            : slot <= Pre ? (Ordered ? Perm![slot - 1] : null)
            : slot;

        public void Touch(int slot, bool held, long nowMs)
        {
            Seen[slot - 1] = Seconds(nowMs);
            var state = State(slot);
            if (held && state == EntryState.Waiting) States[slot - 1] = (byte)EntryState.Held;
            else if (!held && state == EntryState.Held)
            {
                // Unflagged: back in line if the counter has not passed it; otherwise it may join again.
                var passed = NumberOf(slot) is { } n && n <= Serving;
                States[slot - 1] = (byte)(passed ? EntryState.Expired : EntryState.Waiting);
            }
        }

        public QueueEntry Entry(int slot, long nowMs) => new(
            slot, NumberOf(slot), Serving, State(slot),
            Active.TryGetValue(slot, out var until) && until > nowMs ? until : null,
            !Sealed || slot <= Pre);
    }
}
